import type { RecordedRequest, ScriptedReply } from '../../support/openai-server';

/**
 * A deterministic stand-in for a model answering compile's prompts, plugged into the loopback
 * server's `handler`. It reads the prompt the way a model would and answers in the promised JSON:
 * concepts are the **bold** terms of the source, the summary its first sentence; merges answer with one
 * operation adding the source's last paragraph under the outline's last heading (the rewrite prompt
 * of a review merge: the article kept, that paragraph appended with the requested citation). A source asking to write
 * elsewhere is "obeyed" (hostile names and paths in the JSON), so tests see what compile does
 * with a model that follows injected instructions.
 */
export interface WikiModelOptions {
  /** Pause before answering (bench: fixed latency). */
  delayMs?: number;
}

function between(text: string, open: string, close: string): string {
  const a = text.indexOf(open);
  const b = text.lastIndexOf(close);
  return a === -1 || b === -1 || b < a ? '' : text.slice(a + open.length, b).trim();
}

function sentences(text: string): string[] {
  const found = text
    .replace(/\*\*/g, '')
    .replace(/^#+ .*$/gm, '')
    .match(/[^.!?]+[.!?]+/g);
  return (found ?? []).map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => s.length > 12);
}

export function wikiModelReply(request: RecordedRequest, options: WikiModelOptions = {}): ScriptedReply {
  const messages = request.body.messages ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const delay = options.delayMs ? { delayMs: options.delayMs } : {};
  if (system.startsWith('You compile a wiki')) {
    const source = between(user, '<source>', '</source>');
    const title = /^Title: (.*)$/m.exec(user)?.[1] ?? 'Untitled';
    const names = [...new Set([...source.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1].trim()))].slice(0, 8);
    const concepts: { name: string; aliases: string[]; summary: string; details: string }[] = names.map((name) => {
      const about = sentences(source).filter((s) => s.toLowerCase().includes(name.toLowerCase()));
      return { name, aliases: [], summary: about[0] ?? `${name} as discussed in ${title}.`, details: about.slice(0, 3).join(' ') || `${title} mentions ${name}.` };
    });
    if (/write (it )?(in)?to/i.test(source) && /\.obsidian|\.\.\//.test(source)) {
      concepts.push({ name: '../../.obsidian/plugins/evil/main', aliases: ['.obsidian/app'], summary: 'Injected.', details: 'Injected content.' });
      const all = sentences(source);
      return { kind: 'text', ...delay, content: JSON.stringify({ summary: all[0] ?? title, path: '.obsidian/app.json', file: '../outside.md', key_points: [], claims: [], concepts }) };
    }
    const all = sentences(source);
    const reply = {
      summary: all[0] ?? `${title}.`,
      key_points: all.slice(1, 4),
      claims: all.filter((s) => /\d/.test(s)).slice(0, 3).map((claim) => ({ claim, where: title })),
      concepts,
    };
    return { kind: 'text', ...delay, content: '```json\n' + JSON.stringify(reply, null, 2) + '\n```' };
  }
  if (system.startsWith('You maintain the wiki article') && system.includes('edit operations')) {
    // The merge that adds: one paragraph (the source's last) under the outline's last heading, so
    // it lands where a rewrite appending it would have put it.
    const outline = between(user, '<outline>', '</outline>');
    const headings = [...outline.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]);
    const adds = between(user, '<source>', '</source>');
    const text = adds.split('\n\n').pop() ?? adds;
    const sectionText = between(user, '<sections>', '</sections>');
    const summary = sentences(sectionText)[0] ?? sentences(adds)[0] ?? '';
    const operations = text.trim() ? [{ op: 'add_paragraph', heading: headings[headings.length - 1] ?? null, text }] : [];
    return { kind: 'text', ...delay, content: JSON.stringify({ summary, operations, aliases: [] }) };
  }
  if (system.startsWith('You maintain the wiki article')) {
    const article = between(user, '<article>', '</article>');
    const adds = between(user, '<source>', '</source>');
    const citation = /cite the new source as (\[\[[^\]]+\]\])/.exec(system)?.[1] ?? '';
    const body = `${article}\n\n${adds.split('\n\n').pop() ?? adds} ${citation}`.trim();
    const summary = sentences(article)[0] ?? sentences(adds)[0] ?? '';
    return { kind: 'text', ...delay, content: JSON.stringify({ summary, body, aliases: [] }) };
  }
  return { kind: 'status', status: 400, body: { error: { message: 'wiki model: unknown prompt' } } };
}
