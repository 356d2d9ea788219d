import type { AdviceView, ManualStep, ResolvedTrainOptions, TrainingEvent, TrainingRequest } from '../../shared/training.js';
import { applyTrainingEvent, idleTraining, type TrainingState } from '../../shared/trainingState.js';
import { startTraining, type TrainingHandle } from '../engine/training/startTraining.js';
import type { StudioEvents } from './events.js';

/** Events after which the project's runs or checkpoints on disk have changed. */
const changesProject = new Set<TrainingEvent['type']>(['started', 'checkpoint', 'finished', 'failed']);

/**
 * The training run of the studio: at most one, in its own process (startTraining), whose events
 * go to every window and into a state a window opened mid-run starts from.
 */
export class TrainingSession {
  private handle: TrainingHandle | null = null;
  private current: TrainingState = idleTraining();

  constructor(
    private readonly deps: {
      events: StudioEvents;
      onProjectChanged: () => void;
      start?: typeof startTraining;
    },
  ) {}

  get active(): boolean {
    return this.handle !== null;
  }

  snapshot(): TrainingState {
    return this.current;
  }

  /** Resolves once the run has started (with its backend and step counts), rejects with the reason it could not. */
  start(projectDir: string, options: ResolvedTrainOptions, resume?: TrainingRequest['resume']): Promise<TrainingState> {
    if (this.handle) throw new Error('Training is already running: stop it before starting another run.');
    // The advice view is the window's choice; it carries over to the next run.
    this.current = { ...idleTraining(), status: 'starting', projectPath: projectDir, preset: options.preset, adviceView: this.current.adviceView };
    const request: TrainingRequest = { projectDir, options, resume };
    return new Promise<TrainingState>((resolve, reject) => {
      let settled = false;
      const handle = (this.deps.start ?? startTraining)(request, (event) => {
        this.apply(event);
        if (settled) return;
        if (event.type === 'started') {
          settled = true;
          resolve(this.current);
        } else if (event.type === 'failed') {
          settled = true;
          reject(new Error(event.message));
        }
      });
      this.handle = handle;
      if (this.current.adviceView !== 'off') handle.setAdvice(this.current.adviceView);
      void handle.done.then(() => {
        if (this.handle === handle) this.handle = null;
      });
    });
  }

  pause(): TrainingState {
    this.require().pause();
    // Said at once: the run pauses only between steps, after a checkpoint being written or measured.
    if (this.current.status === 'running') this.current.status = 'pausing';
    return this.current;
  }

  resume(): TrainingState {
    this.require().resume();
    return this.current;
  }

  /** Updates by hand (Step D, Step G, Step both); only while the run is paused. */
  step(manual: ManualStep): TrainingState {
    const handle = this.require();
    if (this.current.status !== 'paused') throw new Error(`Pause training first: steps by hand are taken while the run is paused (it is ${this.current.status}).`);
    handle.step(manual);
    return this.current;
  }

  /** What the advice view shows; D's gradients are computed in the training process only while it is on. */
  setAdvice(view: AdviceView): TrainingState {
    this.current.adviceView = view;
    if (view === 'off') this.current.advice = null;
    this.handle?.setAdvice(view);
    return this.current;
  }

  stop(): TrainingState {
    this.require().stop();
    if (this.current.status !== 'finished' && this.current.status !== 'failed') this.current.status = 'stopping';
    return this.current;
  }

  /** On quit: asks the run to stop (it writes a checkpoint) and waits a while for it. */
  async shutdown(waitMs = 15000): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    handle.stop();
    await Promise.race([handle.done, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  private require(): TrainingHandle {
    if (!this.handle) throw new Error('No training is running.');
    return this.handle;
  }

  private apply(event: TrainingEvent): void {
    applyTrainingEvent(this.current, event);
    // The process is on its way out: a new run may start now, not only once it has exited.
    if (event.type === 'finished' || event.type === 'failed') this.handle = null;
    this.deps.events.emit('trainingEvent', event);
    if (changesProject.has(event.type)) this.deps.onProjectChanged();
  }
}
