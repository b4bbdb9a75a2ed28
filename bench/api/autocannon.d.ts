/** The part of autocannon's API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      readonly method?: 'GET' | 'POST';
      readonly path?: string;
      readonly headers?: Record<string, string>;
      readonly body?: string;
    }
    interface Options {
      readonly url: string;
      readonly connections?: number;
      readonly duration?: number;
      readonly requests?: readonly Request[];
    }
    interface Histogram {
      readonly average: number;
      readonly p50: number;
      readonly p99: number;
      readonly total: number;
    }
    interface Result {
      readonly requests: Histogram;
      readonly latency: Histogram;
      readonly non2xx: number;
      readonly '2xx': number;
      readonly errors: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
