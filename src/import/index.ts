/**
 * `ferry import dlrn`: a DLRN instance's database (SQLite file or
 * MariaDB/MySQL) into ferry's store, history and users included.
 */
export { importDlrn, type ImportOptions, type ImportReport, type TableReport } from './import-dlrn.js';
export { parseDlrnUrl, redactDlrnUrl, type DlrnLocation } from './dlrn-url.js';
export {
  DLRN_TABLES,
  openDlrnSource,
  type DlrnDatabase,
  type DlrnSource,
  type DlrnTable,
} from './dlrn-database.js';
export {
  mapCommit,
  mapVote,
  mapAggregateVote,
  mapPromotion,
  mapUser,
  mapProjects,
  toFlag,
  toInt,
} from './map-dlrn-rows.js';
