/**
 * NODE_EXTRA_CA_CERTS makes every Node process load a CA bundle at start
 * (~90 ms on the machine this was written on, set there for every session);
 * the C and Python reference tools do not pay it. Benchmarks that time
 * ferry as a whole process run it a second time without the variable and
 * report that on its own row, beside the row as the environment is.
 */
export const EXTRA_CA = process.env.NODE_EXTRA_CA_CERTS;

/** This process's environment without NODE_EXTRA_CA_CERTS. */
export const WITHOUT_EXTRA_CA: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => key !== 'NODE_EXTRA_CA_CERTS'),
);
