/**
 * The page for a join link (`/m/<token>`): index.html plus what the lobby would otherwise fetch
 * one step after another before Join works (issue 21).
 *
 * - Its facts and who is logged in (`LobbyBoot`), as JSON in a `<script type="application/json">`
 *   the app reads: not executable, so the CSP keeps `script-src 'self'` with no inline script.
 * - `<link rel="modulepreload">` for the lobby's chunk, the chunks it imports and the texts of
 *   the language the browser asks for, found in Vite's manifest: fetched alongside the entry
 *   instead of after it has run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Language } from '../../shared/api.js';
import { LOBBY_BOOT_ELEMENT_ID, type LobbyBoot } from '../../shared/lobby-boot.js';

/** Vite's build manifest (`build.manifest`), keyed by source path relative to src/web. */
type Manifest = Record<
  string,
  { file: string; isEntry?: boolean; imports?: string[]; css?: string[] }
>;

const LOBBY_SOURCE = 'features/lobby/LobbyPage.tsx';
const TEXTS_SOURCE: Record<Language, string> = { en: 'i18n/en-start.ts', es: 'i18n/es-start.ts' };

/** The language the app will start in when nothing is stored: the browser's first we have. */
export function languageOf(acceptLanguage: string | undefined): Language {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const base = part.trim().split(/[-;]/)[0]?.toLowerCase();
    if (base === 'en' || base === 'es') return base;
  }
  return 'en';
}

export interface LobbyAssets {
  scripts: string[];
  styles: string[];
}

/** The lobby's chunks and styles, and `language`'s texts, that the entry does not load itself. */
export function lobbyAssets(manifest: Manifest, language: Language): LobbyAssets {
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  const loadedByEntry = new Set(entry?.imports ?? []);
  const scripts: string[] = [];
  const styles: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key) || loadedByEntry.has(key) || chunk.isEntry) return;
    seen.add(key);
    scripts.push(`/${chunk.file}`);
    for (const css of chunk.css ?? []) styles.push(`/${css}`);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(LOBBY_SOURCE);
  visit(TEXTS_SOURCE[language]);
  return { scripts, styles };
}

/** JSON safe inside a `<script>` element: no `<` can end it or open a comment. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** index.html with the boot data (when there is any) and the preload links before `</head>`. */
export function lobbyPage(indexHtml: string, boot: LobbyBoot | null, assets: LobbyAssets): string {
  const head = [
    ...assets.styles.map((href) => `<link rel="stylesheet" href="${attribute(href)}">`),
    ...assets.scripts.map(
      (href) => `<link rel="modulepreload" crossorigin href="${attribute(href)}">`,
    ),
    ...(boot
      ? [
          `<script type="application/json" id="${LOBBY_BOOT_ELEMENT_ID}">` +
            `${scriptSafeJson(boot)}</script>`,
        ]
      : []),
  ].join('\n    ');
  if (!head) return indexHtml;
  return indexHtml.replace('</head>', `  ${head}\n  </head>`);
}

/** Reads Vite's manifest from a web build, again only when the file changed (a rebuild). */
export function manifestReader(webDir: string): () => Manifest {
  const file = path.join(webDir, '.vite', 'manifest.json');
  let cached: { mtimeMs: number; manifest: Manifest } | null = null;
  return () => {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return {}; // a build without a manifest: the page goes without preloads
    }
    if (cached?.mtimeMs !== mtimeMs) {
      cached = { mtimeMs, manifest: JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest };
    }
    return cached.manifest;
  };
}
