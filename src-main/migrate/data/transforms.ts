/**
 * Named transforms a profile can use on a column. Each takes the values of
 * the column's `from` source columns (in order) and returns the target value;
 * returning an Error rejects the row with that reason. They are pure apart
 * from `ctx.now`, which is fixed once per run (and kept in the checkpoint) so
 * that verification recomputes exactly what the run wrote.
 */
import { type Scalar } from './profile';

export interface TransformContext {
  /** Unix seconds at the start of the run. */
  readonly now: number;
  readonly options: Readonly<Record<string, Scalar>>;
}

export type TransformFn = (values: readonly unknown[], ctx: TransformContext) => unknown;

export interface Transform {
  readonly description: string;
  /** A problem with `args`, or undefined. */
  readonly checkArgs?: (args: unknown) => string | undefined;
  /** True when it reads no source column (so a column using it has no implied `from`). */
  readonly noSource?: boolean;
  readonly make: (args: unknown) => TransformFn;
}

const DAY = 86_400;
const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export const TRANSFORMS: Readonly<Record<string, Transform>> = {
  premiumDaysLeft: {
    description: 'whole days from now until a premium-end timestamp (0 when past): TFS premium_ends_at → Canary premdays',
    make: () => ([end], { now }) => (end == null ? 0 : Math.max(0, Math.floor((num(end) - now) / DAY))),
  },
  premiumLastDay: {
    description: 'the premium-end timestamp while it is in the future, else 0: TFS premium_ends_at → Canary lastday',
    make: () => ([end], { now }) => (end == null || num(end) <= now ? 0 : end),
  },
  bit: {
    description: 'one bit of an integer bit mask, as 0 or 1 (args: {"bit": n}): TFS blessings mask → Canary blessingsN',
    checkArgs: (a) => (isRecord(a) && Number.isInteger(a.bit) && (a.bit as number) >= 0 && (a.bit as number) < 53 ? undefined : 'expected {"bit": 0..52}'),
    make: (a) => {
      const bit = (a as { bit: number }).bit;
      return ([v]) => (v == null ? null : Math.floor(num(v) / 2 ** bit) % 2);
    },
  },
  emailOrPlaceholder: {
    description:
      'the email (from: email, id, name); when empty and option emptyEmail is "placeholder", option emailPlaceholder with {id} and {name} filled in',
    make: () => ([email, id, name], { options }) => {
      const e = email == null ? '' : String(email);
      if (e.trim() !== '' || options.emptyEmail !== 'placeholder') return e;
      const template = String(options.emailPlaceholder ?? 'account-{id}@invalid.invalid');
      const safeName = String(name ?? '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
      return template.replaceAll('{id}', String(id ?? '')).replaceAll('{name}', safeName);
    },
  },
  map: {
    description: 'looks the value up in args.map (keys are the value as text); args.otherwise for the rest, else the value is kept',
    checkArgs: (a) => (isRecord(a) && isRecord(a.map) ? undefined : 'expected {"map": {…}, "otherwise"?: value}'),
    make: (a) => {
      const { map, otherwise } = a as { map: Record<string, unknown>; otherwise?: unknown };
      return ([v]) => {
        const k = String(v);
        if (Object.hasOwn(map, k)) return map[k];
        return otherwise === undefined ? v : otherwise;
      };
    },
  },
  clamp: {
    description: 'limits a number to args.min..args.max',
    checkArgs: (a) => (isRecord(a) && typeof a.min === 'number' && typeof a.max === 'number' && a.min <= a.max ? undefined : 'expected {"min": n, "max": m} with min ≤ max'),
    make: (a) => {
      const { min, max } = a as { min: number; max: number };
      return ([v]) => (v == null ? null : Math.min(max, Math.max(min, num(v))));
    },
  },
  scale: {
    description: 'multiplies a number by args.factor (seconds → milliseconds: 1000)',
    checkArgs: (a) => (isRecord(a) && typeof a.factor === 'number' && Number.isFinite(a.factor) ? undefined : 'expected {"factor": n}'),
    make: (a) => {
      const { factor } = a as { factor: number };
      return ([v]) => (v == null ? null : num(v) * factor);
    },
  },
  coalesce: {
    description: 'the first of the source columns that is not NULL',
    make: () => (values) => values.find((v) => v != null) ?? null,
  },
  now: {
    description: 'the run start time in Unix seconds (for target columns that have no source and no default)',
    noSource: true,
    make: () => (_v, { now }) => now,
  },
};
