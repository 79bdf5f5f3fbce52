// Which attachments the app can read, by file name and media type. Browser-safe (the composer's file
// picker uses ACCEPT_ATTRIBUTE) and loaded by the extraction worker too, so: no Node imports, erasable
// TypeScript only.

export type FileKind = 'pdf' | 'docx' | 'text';

const TEXT_EXTENSIONS = [
  // prose, data and markup
  'txt', 'text', 'md', 'markdown', 'mdx', 'rst', 'adoc', 'org', 'tex', 'bib', 'log',
  'csv', 'tsv', 'json', 'jsonl', 'ndjson', 'geojson', 'ipynb',
  'html', 'htm', 'xhtml', 'xml', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'properties', 'env',
  'diff', 'patch', 'srt', 'vtt',
  // source code
  'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs', 'py', 'pyi', 'rb', 'go', 'rs', 'java', 'kt',
  'kts', 'c', 'h', 'cpp', 'hpp', 'cc', 'hh', 'cxx', 'cs', 'php', 'swift', 'sh', 'bash', 'zsh', 'fish',
  'ps1', 'bat', 'cmd', 'sql', 'css', 'scss', 'sass', 'less', 'vue', 'svelte', 'astro', 'lua', 'r', 'm',
  'mm', 'scala', 'pl', 'pm', 'ex', 'exs', 'erl', 'hrl', 'hs', 'clj', 'cljs', 'edn', 'dart', 'jl',
  'nim', 'zig', 'ml', 'mli', 'fs', 'fsx', 'elm', 'el', 'lisp', 'scm', 'rkt', 'vim', 'groovy', 'gradle',
  'cmake', 'mk', 'graphql', 'gql', 'proto', 'tf', 'hcl', 'sol', 'asm', 's', 'dockerfile',
] as const;

/** Every extension the file picker offers, lower case, without the dot. */
export const ACCEPTED_EXTENSIONS: readonly string[] = [...TEXT_EXTENSIONS, 'pdf', 'docx'];

export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** For `<input type="file" accept={ACCEPT_ATTRIBUTE}>`. */
export const ACCEPT_ATTRIBUTE: string = [
  ...ACCEPTED_EXTENSIONS.map((ext) => `.${ext}`),
  'text/*',
  'application/pdf',
  'application/json',
  DOCX_MEDIA_TYPE,
].join(',');

const TEXT_EXTENSION_SET: ReadonlySet<string> = new Set<string>(TEXT_EXTENSIONS);

// Names without an extension that are text by convention.
const TEXT_FILE_NAMES: ReadonlySet<string> = new Set([
  'dockerfile', 'makefile', 'gemfile', 'rakefile', 'procfile', 'jenkinsfile', 'vagrantfile',
  'readme', 'license', 'licence', 'changelog', 'authors', 'contributing', 'notice', 'copying',
  '.gitignore', '.gitattributes', '.editorconfig', '.dockerignore', '.npmrc', '.nvmrc', '.env',
  '.prettierrc', '.eslintrc', '.babelrc',
]);

// Formats that are never text, whatever media type the browser reports with them.
const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'ico', 'tif', 'tiff', 'heic', 'heif', 'avif', 'psd',
  'svg', 'exe', 'dll', 'so', 'dylib', 'bin', 'dmg', 'iso', 'msi', 'deb', 'rpm', 'zip', 'gz', 'tgz',
  'bz2', 'xz', 'zst', '7z', 'rar', 'tar', 'jar', 'war', 'apk', 'ipa', 'mp3', 'mp4', 'm4a', 'aac', 'wav',
  'flac', 'ogg', 'opus', 'webm', 'mov', 'avi', 'mkv', 'doc', 'xls', 'xlsx', 'ppt', 'pptx', 'odt',
  'ods', 'odp', 'rtf', 'pages', 'key', 'numbers', 'epub', 'wasm', 'class', 'o', 'a', 'pyc', 'sqlite',
  'db', 'woff', 'woff2', 'ttf', 'otf', 'eot',
]);

const TEXT_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/json', 'application/ld+json', 'application/x-ndjson', 'application/jsonl',
  'application/xml', 'application/xhtml+xml', 'application/yaml', 'application/x-yaml',
  'application/toml', 'application/javascript', 'application/x-javascript', 'application/ecmascript',
  'application/typescript', 'application/x-typescript', 'application/x-sh', 'application/x-shellscript',
  'application/sql', 'application/x-sql', 'application/x-httpd-php', 'application/x-php',
  'application/x-python', 'application/x-python-code', 'application/x-ruby', 'application/x-perl',
  'application/x-tex', 'application/x-latex', 'application/graphql', 'application/csv',
  'application/x-csv', 'application/x-ipynb+json',
]);

/** The extension of a file name, lower case, without the dot ('' when there is none). */
export function fileExtension(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * How to read an attachment: by its extension first, then by its media type; null when the app
 * cannot read it (images, archives, executables, old Office formats…).
 */
export function fileKind(name: string, mediaType: string): FileKind | null {
  const base = (name.split(/[\\/]/).pop() ?? '').trim().toLowerCase();
  const ext = fileExtension(base);
  if (ext === 'pdf') return 'pdf';
  if (ext === 'docx') return 'docx';
  if (TEXT_EXTENSION_SET.has(ext)) return 'text';
  if (BINARY_EXTENSIONS.has(ext)) return null;
  if (TEXT_FILE_NAMES.has(base)) return 'text';

  const type = (mediaType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type === DOCX_MEDIA_TYPE) return 'docx';
  if (type.startsWith('text/') && type !== 'text/rtf') return 'text';
  if (TEXT_MEDIA_TYPES.has(type)) return 'text';
  if (type.startsWith('application/') && (type.endsWith('+json') || type.endsWith('+xml'))) return 'text';
  return null;
}
