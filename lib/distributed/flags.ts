/**
 * The flags that the queue's commands (`deno task enqueue`, `deno task queue`, `deno task worker`)
 * share, declared once, and how their Redis URL is found.
 * @module
 */
import { flag } from "../flags/types.ts";
import { DEFAULT_QUEUE, REDIS_ENV } from "./queue.ts";

/** The local Redis server used when neither the flag nor the environment names one. */
const LOCAL_REDIS = "redis://127.0.0.1:6379";

/** `--redis` and `--queue`: which Redis server, and which queue on it. */
export const QUEUE_FLAGS = {
  redis: flag({
    type: "string",
    placeholder: "url",
    defaultText: `$${REDIS_ENV}, else ${LOCAL_REDIS}`,
    help: "the queue's Redis server",
  }),
  queue: flag({ type: "string", default: DEFAULT_QUEUE, placeholder: "name", help: "queue name" }),
};

/** The Redis URL from a flag, else the environment, else the local default. */
export function redisUrl(flag: string | undefined): string {
  return flag ?? Deno.env.get(REDIS_ENV) ?? LOCAL_REDIS;
}
