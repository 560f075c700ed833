/**
 * The app's translator: a text by key from one language's texts, with `{{name}}` placeholders
 * filled in and plural forms picked by `count` (`key_one`, `key_other`... as Intl.PluralRules
 * names them). It replaces i18next, of which the app used only this: 18 KB of gzip that every
 * guest downloaded before the lobby's Join button worked, against well under 1 KB here.
 */
import type { en } from './en.js';

/** A language's texts: the same shape as en.ts, every leaf a string. */
export type Texts<T = typeof en> = {
  [K in keyof T]: T[K] extends string ? string : Texts<T[K]>;
};

type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type WithoutPlural<K> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;

type Leaf = Leaves<typeof en>;
/** Every text's key (`lobby.join`), and a plural text's base key (`room.participants`). */
export type TextKey = Leaf | WithoutPlural<Leaf>;

export type TextValues = Record<string, string | number>;

export interface TFunction {
  (key: TextKey, values?: TextValues & { count?: number }): string;
  /** A key made at run time (an error code): `defaultValue` when there is no such text. */
  (key: string, values: TextValues & { count?: number; defaultValue: string }): string;
}

type Tree = { [key: string]: string | Tree };

function lookUp(texts: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = texts;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** A translator over `texts` in `language`; a missing key shows as itself, as i18next did. */
export function translator(language: string, texts: Texts): TFunction {
  const tree = texts as unknown as Tree;
  const plurals = new Intl.PluralRules(language);
  const t = (key: string, values?: TextValues & { count?: number; defaultValue?: string }) => {
    const count = values?.count;
    const text =
      (typeof count === 'number'
        ? (lookUp(tree, `${key}_${plurals.select(count)}`) ?? lookUp(tree, `${key}_other`))
        : undefined) ??
      lookUp(tree, key) ??
      values?.defaultValue ??
      key;
    if (!values) return text;
    // A value without a placeholder's name leaves the placeholder, so the gap shows in tests.
    return text.replace(PLACEHOLDER, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
  return t as TFunction;
}
