// Lint rules: typescript-eslint's recommended set, React hooks rules for the web code, and the
// arrows between folders that docs/architecture.md draws (test/lint/boundaries.test.ts shows
// each one failing on a crossing import).
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** The folders directly under `dir`: a new domain or feature folder is covered at once. */
function foldersIn(dir) {
  return fs
    .readdirSync(new URL(`${dir}/`, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

const serverFolders = foldersIn('src/server');
const domainFolders = serverFolders.filter((name) => name !== 'http' && name !== 'storage');
const features = foldersIn('src/web/features');

/**
 * Forbids import paths that lead out of the importing folder into one of the named folders:
 * `../http/app.js` from src/server/room, `./http/app.js` from src/server/config.ts,
 * `../../../server/config.js` from a web feature. Each name is unique within its side of src,
 * so the name alone says where the path lands.
 */
function intoFolders(names, message) {
  return { regex: `^(\\.{1,2}/)+(${names.join('|')})/`, message };
}

/** The same for top-level files: `../compose.js`, `./main.js`. */
function intoFiles(names, message) {
  return { regex: `^(\\.{1,2}/)+(${names.join('|')})\\.js$`, message };
}

// src/server
const noWeb = intoFolders(
  ['web'],
  'src/server never imports src/web; what both use is in src/shared.',
);
const noHttp = intoFolders(
  ['http'],
  'Only main.ts and src/server/http use the HTTP adapter: domain code returns data and throws AppError.',
);
const noMain = intoFiles(['main'], 'main.ts runs the process; nothing imports it.');
const noComposition = intoFiles(
  ['compose', 'main'],
  'Domain code is given its collaborators by src/server/compose.ts; it never imports it.',
);
const noDomains = intoFolders(domainFolders, 'src/server/storage imports no domain folder.');
/** Media backends and delivery transports: only compose.ts (and their own folders) import them. */
const noAdapters = {
  regex:
    '(^|/)((p2p|local-janus-or-p2p|janus-backend|local-janus|redis-room-placements|redis-room-bus)\\.js$|transports/)',
  message:
    'Concrete adapters (media backends, delivery transports, the Redis room bus) are picked in src/server/compose.ts only; take the interface.',
};
/** The bus shares room-bus.ts with the RoomBus interface, so it is banned by name. */
const noInProcessBus = {
  regex: '(^|/)room-bus\\.js$',
  importNames: ['InProcessRoomBus'],
  message: 'The room bus is picked in src/server/compose.ts only; take a RoomBus.',
};

// src/shared: one flat folder, so `../` always leaves it.
const noOutsideShared = {
  regex: '^\\.\\./',
  message: 'src/shared imports nothing of ours outside src/shared, only packages.',
};

// src/web, layered: app -> features -> ui, session -> i18n -> lib -> (src/shared)
const noServer = intoFolders(
  ['server'],
  'src/web never imports src/server; share through src/shared.',
);
const noReact = {
  regex: '^react(-[\\w-]+)?(/|$)',
  message: 'src/web/lib has no React: hooks and components go to src/web/ui or a feature.',
};
const libImportsNoWeb = intoFolders(
  ['i18n', 'session', 'ui', 'features', 'app'],
  'src/web/lib is the bottom of the web app: it imports only src/shared and packages.',
);
const i18nImportsNoUpper = intoFolders(
  ['session', 'ui', 'features', 'app'],
  'src/web/i18n imports only src/web/lib and src/shared.',
);
const noFeatures = intoFolders(
  ['features', 'app'],
  'Features and the app import this folder, not back.',
);
const noApp = intoFolders(['app'], 'The app shell imports features, not back.');

/**
 * The imports one feature may make of another, by path from the feature's folder. The lobby
 * starts the room the moment the join is accepted, before the room page renders.
 */
const featureExceptions = { lobby: ['room/room-prestart.js'] };

function noOtherFeatures(feature) {
  const others = features.filter((name) => name !== feature);
  const allowed = (featureExceptions[feature] ?? [])
    .map((file) => `(?!${file.replaceAll('.', '\\.')}$)`)
    .join('');
  return {
    regex: `^(\\.\\./)+(features/)?${allowed}(${others.join('|')})/`,
    message:
      'A feature does not import another feature: shared code goes to src/web/lib or src/web/ui.',
  };
}

/**
 * One zone of files and the imports it may not make, static (`import ... from`) or dynamic
 * (`import('...')`, which no-restricted-imports does not see). Zones do not overlap: a later
 * config object would replace, not add to, an earlier one's options for the same rule.
 */
function zone(files, bans, ignores = []) {
  const dynamic = bans
    .filter((ban) => !ban.importNames)
    .map((ban) => ({
      // esquery ends a regular expression at its first slash, so slashes are spelled \x2F.
      selector: `ImportExpression[source.value=/${ban.regex.replaceAll('/', '\\x2F')}/]`,
      message: ban.message,
    }));
  return {
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns: bans }],
      'no-restricted-syntax': ['error', ...dynamic],
    },
  };
}

const server = (path) => `src/server/${path}`;
const web = (path) => `src/web/${path}/**/*.{ts,tsx}`;
const serverZones = {
  main: [server('main.ts')],
  compose: [server('compose.ts')],
  http: [server('http/**/*.ts')],
  storage: [server('storage/**/*.ts')],
  adapters: [server('media/**/*.ts'), server('invitations/transports/**/*.ts')],
  room: [server('room/**/*.ts')],
};
const webZones = {
  lib: [web('lib')],
  i18n: [web('i18n')],
  below: [web('ui'), web('session')],
  features: [web('features')],
};

const boundaries = [
  zone(['src/shared/**/*.ts'], [noOutsideShared]),

  zone(serverZones.main, [noWeb, noAdapters, noInProcessBus]),
  zone(serverZones.compose, [noWeb, noHttp, noMain]),
  zone(serverZones.http, [noWeb, noMain, noAdapters, noInProcessBus]),
  zone(serverZones.storage, [noWeb, noHttp, noComposition, noDomains]),
  // The adapters' own folders: a backend may build on another (LocalJanusOrP2p).
  zone(serverZones.adapters, [noWeb, noHttp, noComposition, noInProcessBus]),
  // room/ defines the in-process bus beside its interface, and tests it.
  zone(serverZones.room, [noWeb, noHttp, noComposition, noAdapters]),
  // The other domain folders and the small shared modules (config.ts, clock.ts, tokens.ts...).
  zone(
    [server('**/*.ts')],
    [noWeb, noHttp, noComposition, noAdapters, noInProcessBus],
    Object.values(serverZones).flat(),
  ),

  zone(webZones.lib, [noServer, noReact, libImportsNoWeb]),
  zone(webZones.i18n, [noServer, i18nImportsNoUpper]),
  zone(webZones.below, [noServer, noFeatures]),
  ...features.map((feature) =>
    zone([web(`features/${feature}`)], [noServer, noApp, noOtherFeatures(feature)]),
  ),
  // The app shell and the entry point.
  zone([web('**')], [noServer], Object.values(webZones).flat()),
];

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  ...boundaries,
);
