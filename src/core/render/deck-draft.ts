import { asList, asRecord, oneLine, requiredLine } from './draft-fields';

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

function parseSlide(value: unknown, index: number): DraftSlide {
  const what = `slides[${index}]`;
  const raw = asRecord(value, what);
  const title = requiredLine(raw.title ?? raw.heading, `${what}.title`, 120);
  const all = asList(raw.bullets ?? raw.points ?? raw.content)
    .map((b) => oneLine(b, MAX_BULLET_CHARS))
    .filter((b) => b !== '');
  const notesRaw = raw.notes ?? raw.speaker_notes ?? raw.speakerNotes;
  let notes = typeof notesRaw === 'string' ? notesRaw.trim().slice(0, MAX_NOTES_CHARS) : '';
  const overflow = all.slice(MAX_BULLETS);
  if (overflow.length > 0) notes = [notes, ...overflow.map((b) => `- ${b}`)].filter((s) => s !== '').join('\n');
  const images = asList(raw.images ?? raw.image)
    .filter((i): i is string => typeof i === 'string' && i.trim() !== '')
    .slice(0, 3);
  return { title, bullets: all.slice(0, MAX_BULLETS), notes, images };
}

/** Reads the model's deck; throws with a message the model can act on when the shape is wrong. */
export function parseDeckDraft(value: unknown): DeckDraft {
  const raw = asRecord(value, 'The deck');
  const slidesRaw = raw.slides;
  if (!Array.isArray(slidesRaw) || slidesRaw.length === 0) throw new Error('"slides" must be a non-empty list of slides');
  const slides = slidesRaw.slice(0, MAX_SLIDES).map(parseSlide);
  if (slides.every((s) => s.bullets.length === 0 && s.images.length === 0)) throw new Error('every slide is empty: give each slide bullets');
  return {
    title: requiredLine(raw.title, '"title"', 120),
    subtitle: oneLine(raw.subtitle, 160),
    slides,
  };
}
