/**
 * Test helper (run as a subprocess by ../store_concurrent_test.ts): embeds the photos of folder
 * `Deno.args[0]` into the store root `Deno.args[1]` with one face worker, as `deno task run`
 * would, and prints one JSON line: when the face stage started and ended (ms since the epoch),
 * photos listed, photos computed by this process, and failures. A store error exits with
 * status 1 and its message on stderr.
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { embedPhotos } from "../embed_photos.ts";
import { LocalFolderSource } from "../../sources/local.ts";

if (import.meta.main) {
  try {
    const start = Date.now();
    const res = await embedPhotos(new LocalFolderSource(Deno.args[0]), {
      storeDir: Deno.args[1],
      workers: 1,
      progress: false,
      log: () => {},
    });
    const end = Date.now();
    res.store.close();
    console.log(JSON.stringify({
      start,
      end,
      photos: res.photos.length,
      computed: res.computed,
      failures: res.photos.filter((p) => p.failure).length,
    }));
  } catch (e) {
    console.error(errorMessage(e));
    Deno.exit(1);
  }
}
