import { replyShape, s, type ReplyShape } from '../llm/schema';
import { line, textOrNothing } from './draft-fields';

/** One slide as the model drafts it. */
export interface DraftSlide {
  title: string;
  bullets: string[];
  /** Speaker notes, several sentences allowed. */
  notes: string;
  /** Image references copied from the content: "![[a.png]]", "![alt](path)", a path or a URL. */
  images: string[];
}

/** A deck as the model drafts it; Scriptorium writes the Marp file from this. */
export interface DeckDraft {
  title: string;
  subtitle: string;
  slides: DraftSlide[];
}

export const MAX_SLIDES = 30;
/** Bullets beyond this move into the speaker notes: a slide must fit on the screen. */
export const MAX_BULLETS = 6;
const MAX_BULLET_CHARS = 180;
const MAX_NOTES_CHARS = 2000;

/** What the model is asked for; the prompt shows it and the parser enforces it. */
export const DECK_JSON_SHAPE = `{
  "title": "deck title",
  "subtitle": "one line under the title (optional)",
  "slides": [
    {
      "title": "slide title",
      "bullets": ["short point", "short point"],
      "notes": "what the speaker says on this slide",
      "images": ["![[image.png]] copied exactly from the content, only if relevant (optional)"]
    }
  ]
}`;

const slideSchema = s.object(
  {
    title: line(120, { nonEmpty: true, description: 'slide title' }),
    bullets: s.optional(s.array(line(MAX_BULLET_CHARS), { single: true, skipInvalid: true, description: 'short points' })),
    notes: textOrNothing(MAX_NOTES_CHARS, 'what the speaker says on this slide'),
    images: s.optional(
      s.array(s.string({ nonEmpty: true }), {
        single: true,
        skipInvalid: true,
        max: 3,
        overflow: 'cut',
        description: 'image references copied exactly from the content, only if relevant',
      }),
    ),
  },
  { aliases: { title: ['heading'], bullets: ['points', 'content'], notes: ['speaker_notes', 'speakerNotes'], images: ['image'] } },
);

const deckSchema = s.object({
  title: line(120, { nonEmpty: true, description: 'deck title' }),
  subtitle: s.optional(line(160, { description: 'one line under the title' })),
  slides: s.array(slideSchema, { min: 1, max: MAX_SLIDES, overflow: 'cut' }),
});

/** The deck reply: its schema (sent as structured output) and its parse. */
export const DECK_REPLY: ReplyShape<DeckDraft> = replyShape('slide_deck', deckSchema, (v) => {
  const slides = v.slides.map((raw): DraftSlide => {
    const all = (raw.bullets ?? []).filter((b) => b !== '');
    let notes = raw.notes ?? '';
    // Bullets beyond the limit go to the speaker notes: a slide must fit on the screen.
    const overflow = all.slice(MAX_BULLETS);
    if (overflow.length > 0) notes = [notes, ...overflow.map((b) => `- ${b}`)].filter((t) => t !== '').join('\n');
    return { title: raw.title, bullets: all.slice(0, MAX_BULLETS), notes, images: raw.images ?? [] };
  });
  if (slides.every((t) => t.bullets.length === 0 && t.images.length === 0)) throw new Error('slides: every slide is empty; give each slide bullets');
  return { title: v.title, subtitle: v.subtitle ?? '', slides };
});

/** Reads the model's deck; throws with a message the model can act on when the shape is wrong. */
export function parseDeckDraft(value: unknown): DeckDraft {
  return DECK_REPLY.parse(value);
}
