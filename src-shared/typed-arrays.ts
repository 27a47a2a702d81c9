/** Typed-array helpers shared by the growable column stores. */

type Growable = Int32Array | Uint32Array | Float64Array;

/** A copy of `a` twice as long (the new half zero), for columns that grow by doubling. */
export function doubled<T extends Growable>(a: T): T {
  const out = new (a.constructor as new (n: number) => T)(Math.max(1, a.length * 2));
  out.set(a);
  return out;
}
