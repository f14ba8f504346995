/**
 * Garbage collection on demand for long batch work in the server process (the import job;
 * docs/decisions/019-bounded-input.md). V8 lets the heap grow to several times its live size
 * before a full collection, so a job that makes much short-lived garbage — an import of 100,000
 * rows makes ~100 KB per row in validation and SQL building — would hold hundreds of MB it does not
 * need. A HeapBudget collects once the heap has grown past its budget since the last look.
 */
import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | null | undefined;

/** `gc()` of a process started with --expose-gc, else exposed once through V8's flag (Node's documented way). */
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  const own = (globalThis as { gc?: () => void }).gc;
  if (typeof own === "function") return (collect = own);
  try {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

const heapUsed = () => v8.getHeapStatistics().used_heap_size;

export class HeapBudget {
  private floor = heapUsed();

  constructor(private readonly bytes: number) {}

  /** Collects when the heap is more than the budget above where the last collection left it. */
  check(): void {
    if (heapUsed() - this.floor <= this.bytes) return;
    collector()?.();
    this.floor = heapUsed();
  }
}
