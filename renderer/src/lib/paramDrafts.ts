import { presets, type PresetId } from '../../../shared/presets.js';
import { rememberedParams, type ProjectSummary } from '../../../shared/project.js';
import { checkParams, paramFields } from './paramFields.js';
import { studio } from './studio.svelte.js';

/**
 * The Model screen's fields as typed, per project and preset. A valid draft is saved to the
 * project (and so equals what is saved); an invalid one lives here until fixed, and every screen
 * that would use the params asks `paramProblem` first, so nothing silently falls back to defaults.
 */
const key = (projectPath: string, preset: PresetId) => `${projectPath}\n${preset}`;

/** Saved params as the fields show them: numbers as typed, lists joined by commas, defaults empty. */
export function textsOf(preset: PresetId, params: Record<string, unknown>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const field of paramFields(preset)) {
    const value = params[field.key];
    texts[field.key] = value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return texts;
}

/** The draft of `preset` in `project`, made from what the project remembers when there is none yet. */
export function draftOf(project: ProjectSummary, preset: PresetId): Record<string, string> {
  const k = key(project.path, preset);
  studio.paramDrafts[k] ??= textsOf(preset, rememberedParams(project.project, preset));
  return studio.paramDrafts[k];
}

/** Drafts are read without creating one, so a screen that only checks never writes state while drawing. */
function peekDraft(project: ProjectSummary, preset: PresetId): Record<string, string> | undefined {
  return studio.paramDrafts[key(project.path, preset)];
}

/** Why the project's chosen preset cannot train as its fields stand, for screens other than Model; null when it can. */
export function paramProblem(project: ProjectSummary): string | null {
  const bad = invalidParams(project);
  return bad ? `${presets[project.project.preset].title} parameters to fix on the Model screen: ${bad}` : null;
}

/** The chosen preset's invalid fields as typed, "Batch size: too small…; Dropout: …", or null when all are valid. */
export function invalidParams(project: ProjectSummary): string | null {
  const preset = project.project.preset;
  const fields = paramFields(preset);
  const texts = peekDraft(project, preset) ?? textsOf(preset, project.project.params);
  const { errors } = checkParams(preset, fields, texts);
  const label = (k: string) => fields.find((f) => f.key === k)?.label ?? k;
  const bad = Object.entries(errors).map(([k, error]) => `${label(k)}: ${error}`);
  return bad.length ? bad.join('; ') : null;
}
