/**
 * One table of domain records: the record as `data` (json), plus the columns it is looked up, sorted and counted by,
 * each computed from the record. Every write touches one row; an update that changes nothing writes nothing.
 */
import type { Queryable } from './database.ts';

/** A column's value for a record: text, a number, an ISO time, or absent (NULL). */
export type ColumnValue = string | number | boolean | null;

export interface TableSpec<T> {
  /** The table (a constant of this code, never input). */
  readonly table: string;
  /** The primary key column; `columns` must compute it. */
  readonly key: string;
  /** Every column but `data` (and `ord`, which PostgreSQL numbers), computed from the record. */
  readonly columns: Readonly<Record<string, (record: T) => ColumnValue>>;
  /** The column the lists are in order of (default `ord`: the order of adding). */
  readonly order?: string;
}

/**
 * Text as PostgreSQL's text type can hold it: that type has no NUL character, which chat input may contain. `%` and
 * NUL are written as `%25` and `%00`, so two different strings never become the same text.
 */
export function pgText(value: string): string {
  return value.includes('\u0000') || value.includes('%')
    ? // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing NUL is the point
      value.replace(/[%\u0000]/g, (c) => (c === '%' ? '%25' : '%00'))
    : value;
}

/** The text pgText() wrote, as it was. */
export function fromPgText(value: string): string {
  return value.includes('%')
    ? value.replace(/%(25|00)/g, (_, code: string) => (code === '25' ? '%' : '\u0000'))
    : value;
}

const toParameter = (value: ColumnValue): ColumnValue => (typeof value === 'string' ? pgText(value) : value);

interface DataRow {
  readonly data: unknown;
}

export class RecordTable<T> {
  readonly #names: readonly string[];
  readonly #insert: string;
  readonly #update: string;
  readonly #order: string;

  constructor(
    private readonly spec: TableSpec<T>,
    private readonly db: Queryable,
  ) {
    this.#names = Object.keys(spec.columns);
    const all = [...this.#names, 'data'];
    const placeholders = all.map((_, i) => `$${i + 1}`).join(', ');
    this.#insert = `INSERT INTO ${spec.table} (${all.join(', ')}) VALUES (${placeholders})`;
    // $n is text in the comparison below, so the data column says it is json.
    const sets = all.map((name, i) => (name === 'data' ? `data = $${i + 1}::json` : `${name} = $${i + 1}`)).join(', ');
    const keyIndex = this.#names.indexOf(spec.key) + 1;
    if (keyIndex === 0) throw new Error(`${spec.table}: the key column ${spec.key} is not among the columns`);
    // The json type has no equality operator: the comparison is on its text (as written, so as stored).
    this.#update =
      `UPDATE ${spec.table} SET ${sets} WHERE ${spec.key} = $${keyIndex} ` +
      `AND data::text IS DISTINCT FROM $${all.length}::text`;
    this.#order = spec.order ?? 'ord';
  }

  /** The values of the columns and the data, in the order of the INSERT and UPDATE statements. */
  #values(record: T): ColumnValue[] {
    const values = this.#names.map((name) => toParameter(this.spec.columns[name]?.(record) ?? null));
    values.push(JSON.stringify(record));
    return values;
  }

  async insert(record: T): Promise<void> {
    await this.db.query(this.#insert, this.#values(record));
  }

  /** Inserts unless a record with the same key is stored; returns whether it inserted. */
  async insertIfAbsent(record: T): Promise<boolean> {
    const result = await this.db.query(
      `${this.#insert} ON CONFLICT (${this.spec.key}) DO NOTHING`,
      this.#values(record),
    );
    return result.rowCount === 1;
  }

  /**
   * Replaces the stored record with the same key. Returns whether a record with the key is stored (also when it was
   * unchanged, so nothing was written).
   */
  async update(record: T): Promise<boolean> {
    const values = this.#values(record);
    const result = await this.db.query(this.#update, values);
    if (result.rowCount === 1) return true;
    const key = values[this.#names.indexOf(this.spec.key)] ?? null;
    return (await this.db.query(`SELECT 1 FROM ${this.spec.table} WHERE ${this.spec.key} = $1`, [key])).rowCount === 1;
  }

  get(key: string | number): Promise<T | undefined> {
    return this.findBy(this.spec.key, key);
  }

  async has(key: string): Promise<boolean> {
    const result = await this.db.query(`SELECT 1 FROM ${this.spec.table} WHERE ${this.spec.key} = $1`, [pgText(key)]);
    return result.rowCount === 1;
  }

  /** The first record (in list order) whose `column` has `value`. */
  async findBy(column: string, value: string | number): Promise<T | undefined> {
    const rows = await this.select(`WHERE ${column} = $1 ORDER BY ${this.#order} LIMIT 1`, [toParameter(value)]);
    return rows[0];
  }

  /**
   * Every record, in list order (oldest first), or those matching `where` (SQL with $n parameters), optionally in
   * another order (SQL).
   */
  list(where = '', values: readonly ColumnValue[] = [], order = this.#order): Promise<T[]> {
    return this.select(`${where} ORDER BY ${order}`, values.map(toParameter));
  }

  /** The newest record in list order. */
  async last(): Promise<T | undefined> {
    const rows = await this.select(`ORDER BY ${this.#order} DESC LIMIT 1`, []);
    return rows[0];
  }

  /** Deletes the records matching `where` (SQL with $n parameters); returns how many. */
  async delete(where: string, values: readonly ColumnValue[]): Promise<number> {
    const result = await this.db.query(`DELETE FROM ${this.spec.table} ${where}`, values.map(toParameter));
    return result.rowCount ?? 0;
  }

  private async select(rest: string, values: readonly ColumnValue[]): Promise<T[]> {
    const result = await this.db.query<DataRow>(`SELECT data FROM ${this.spec.table} ${rest}`, [...values]);
    // The data column holds only what insert()/update() wrote: records of this table.
    return result.rows.map((row) => row.data as T);
  }
}
