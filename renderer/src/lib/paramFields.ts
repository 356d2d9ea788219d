import { z } from 'zod';
import { presetParamSchemas, type PresetId } from '../../../shared/presets.js';
import { recipeOptions, recipeParams } from '../../../shared/recipes.js';

/** One preset parameter as the form shows it, read from the preset's schema (the single source of its rules). */
export interface ParamField {
  key: string;
  label: string;
  help: string;
  /** For the recipe options: why one would turn it on, in a line. */
  why?: string;
  group: 'network' | 'recipe';
  /** choice: one of `options`; switch: on or off; choices: any of `options`. */
  kind: 'integer' | 'number' | 'integer list' | 'choice' | 'switch' | 'choices';
  options?: string[];
  /** The default, as the user would type it. */
  placeholder: string;
}

interface JsonProperty {
  type?: string;
  enum?: string[];
  items?: { enum?: string[] };
  default?: unknown;
  description?: string;
}

function kindOf(property: JsonProperty): Pick<ParamField, 'kind' | 'options'> {
  if (property.enum) return { kind: 'choice', options: property.enum };
  if (property.type === 'boolean') return { kind: 'switch' };
  if (property.type === 'array') return property.items?.enum ? { kind: 'choices', options: property.items.enum } : { kind: 'integer list' };
  return { kind: property.type === 'integer' ? 'integer' : 'number' };
}

export function paramFields(preset: PresetId): ParamField[] {
  const schema = z.toJSONSchema(presetParamSchemas[preset], { io: 'input' }) as { properties: Record<string, JsonProperty> };
  return Object.entries(schema.properties).map(([key, property]) => {
    const recipe = key in recipeParams ? recipeOptions[key as keyof typeof recipeOptions] : undefined;
    return {
      key,
      label: recipe?.label ?? humanize(key),
      help: property.description ?? '',
      why: recipe?.why,
      group: recipe ? 'recipe' : 'network',
      ...kindOf(property),
      placeholder: Array.isArray(property.default) ? property.default.join(', ') : property.default === true ? 'on' : property.default === false ? 'off' : String(property.default ?? ''),
    };
  });
}

/** noiseSize -> Noise size, learningRateG -> Learning rate G, dStepsPerG -> D steps per G. */
function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').split(' ');
  return words.map((w, i) => (w.length === 1 ? w.toUpperCase() : i === 0 ? w[0].toUpperCase() + w.slice(1) : w.toLowerCase())).join(' ');
}

/** The typed text of one field as a value, or an error in words; empty means "use the default". */
export function readField(field: ParamField, text: string): { value?: unknown; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  if (field.kind === 'switch') return trimmed === 'true' || trimmed === 'false' ? { value: trimmed === 'true' } : { error: 'must be on or off' };
  if (field.kind === 'choice') return field.options!.includes(trimmed) ? { value: trimmed } : { error: `one of ${field.options!.join(', ')}` };
  if (field.kind === 'choices') {
    const parts = trimmed.split(/[\s,]+/).filter(Boolean);
    const unknown = parts.filter((p) => !field.options!.includes(p));
    return unknown.length ? { error: `not an option: ${unknown.join(', ')} (choose from ${field.options!.join(', ')})` } : { value: parts };
  }
  if (field.kind === 'integer list') {
    const parts = trimmed.split(/[\s,]+/).filter(Boolean);
    const numbers = parts.map(Number);
    if (numbers.some((n) => !Number.isInteger(n))) return { error: 'whole numbers separated by commas, e.g. 256, 512' };
    return { value: numbers };
  }
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return { error: 'must be a number' };
  return { value: n };
}

/** Checks typed values against the preset's schema; returns the params to save and an error per field. */
export function checkParams(preset: PresetId, fields: ParamField[], texts: Record<string, string>): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const { value, error } = readField(field, texts[field.key] ?? '');
    if (error) errors[field.key] = error;
    else if (value !== undefined) params[field.key] = value;
  }
  const parsed = presetParamSchemas[preset].safeParse(params);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      errors[key] ??= issue.message;
    }
  }
  return { params, errors };
}
