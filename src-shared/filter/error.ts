import type { FilterError } from '../ipc/contract';

/** Thrown inside the parser and compiler only; the public API returns it as a FilterError value. */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly length: number,
  ) {
    super(message);
  }

  toFilterError(): FilterError {
    return { message: this.message, at: this.at, length: this.length };
  }
}
