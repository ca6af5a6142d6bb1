import type { ColumnType, JSONColumnType } from 'kysely';

/** Column types shared by the modules' table definitions. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
export type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A nullable numeric column: read as a string on both engines, written as a number. */
export type NullableNumeric = ColumnType<string | null, number | string | null, number | string | null>;
export type JsonColumn<T extends object> = JSONColumnType<T, string, string>;
export type NullableJsonColumn<T> = ColumnType<T | null, string | null, string | null>;
