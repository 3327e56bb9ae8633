/**
 * Extracts the `curl -X POST ...` examples of a Markdown file (the seed README, our README), so tests
 * run exactly what the documentation tells a person to run.
 */
import { readFileSync } from 'node:fs';

export interface CurlExample {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function curlExamples(markdownFile: string): CurlExample[] {
  const markdown = readFileSync(markdownFile, 'utf8');
  const blocks = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```\s*$/gm)]
    .filter((m) => ['', 'bash', 'sh', 'shell'].includes(m[1]!))
    .map((m) => m[2]!);
  const examples: CurlExample[] = [];
  for (const block of blocks) {
    for (const command of shellCommands(block)) {
      if (command[0] === 'curl') examples.push(parseCurl(command));
    }
  }
  return examples;
}

/** Splits a shell snippet into commands (arrays of words): quotes may span lines, `\\` continues a line. */
function shellCommands(block: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  const tokenizer = /'([^']*)'|"([^"]*)"|(\\\n)|(\n)|([^\s'"]+)|[ \t]+/g;
  for (const match of block.matchAll(tokenizer)) {
    const [, single, double, continuation, newline, bare] = match;
    if (continuation) continue;
    if (newline) {
      if (words.length > 0) commands.push(words);
      words = [];
    } else if (single !== undefined || double !== undefined || bare !== undefined) {
      words.push(single ?? double ?? bare!);
    }
  }
  if (words.length > 0) commands.push(words);
  return commands;
}

function parseCurl(tokens: string[]): CurlExample {
  const example: CurlExample = { method: 'GET', url: '', headers: {}, body: undefined };
  for (let i = 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '-X') example.method = tokens[++i]!;
    else if (token === '-H') {
      const [name, ...rest] = tokens[++i]!.split(':');
      example.headers[name!.trim().toLowerCase()] = rest.join(':').trim();
    } else if (token === '-d' || token === '--data') {
      example.body = tokens[++i];
      if (example.method === 'GET') example.method = 'POST';
    } else if (/^https?:\/\//.test(token)) example.url = token;
  }
  return example;
}
