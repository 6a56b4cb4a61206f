import { MATERIAL_FORMS, type MaterialForm } from '../schema';

/** Spellings of the forms (the protocol language writes fabric and fiber; the database nonwoven and fibre). */
const FORM_ALIASES: Readonly<Record<string, MaterialForm>> = {
  film: 'film',
  films: 'film',
  nonwoven: 'nonwoven',
  'non-woven': 'nonwoven',
  fabric: 'nonwoven',
  fibre: 'fibre',
  fiber: 'fibre',
  fibres: 'fibre',
  fibers: 'fibre',
  powder: 'powder',
  membrane: 'membrane',
};

/** The canonical form a word names, or undefined when it names none. */
export function normalizeForm(text: string): MaterialForm | undefined {
  return FORM_ALIASES[text.trim().toLowerCase()];
}

export const FORM_WORDS = `${MATERIAL_FORMS.join(', ')} (also fabric, fiber)`;
