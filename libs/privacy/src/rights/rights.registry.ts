import { Injectable } from '@nestjs/common';
import type {
  PersonalDataEraser,
  PersonalDataExporter,
  RecipientNotifier,
  Rectification,
  RectificationListener,
} from './rights.contracts.js';

/**
 * Where modules register their exporter and eraser, from their own `onModuleInit`:
 *
 *   constructor(private readonly rights: RightsRegistry, private readonly eraser: OrdersEraser) {}
 *   onModuleInit() { this.rights.registerEraser(this.eraser); }
 *
 * Chosen over a multi-provider token because Nest has no multi-providers: a token collecting
 * implementations from many modules would need each module to edit one central list, while a
 * registry lets each module bring its own (the kernel never imports a module, docs/architecture.md). Every
 * instance registers the same set at boot, so nothing here is state another instance would need.
 */
@Injectable()
export class RightsRegistry {
  private readonly exporterByName = new Map<string, PersonalDataExporter>();
  private readonly eraserByName = new Map<string, PersonalDataEraser>();
  private readonly notifierByRecipient = new Map<string, RecipientNotifier>();
  private readonly rectificationListeners: RectificationListener[] = [];

  registerExporter(exporter: PersonalDataExporter): void {
    if (!exporter.name) throw new Error('a PersonalDataExporter needs a name');
    if (this.exporterByName.has(exporter.name))
      throw new Error(`exporter "${exporter.name}" is registered twice`);
    this.exporterByName.set(exporter.name, exporter);
  }

  registerEraser(eraser: PersonalDataEraser): void {
    if (!eraser.name) throw new Error('a PersonalDataEraser needs a name');
    if (this.eraserByName.has(eraser.name)) throw new Error(`eraser "${eraser.name}" is registered twice`);
    this.eraserByName.set(eraser.name, eraser);
  }

  /** The channel for Art. 19 notices to the recipients `notifier.recipients`. */
  registerRecipientNotifier(notifier: RecipientNotifier): void {
    for (const recipient of notifier.recipients) {
      if (this.notifierByRecipient.has(recipient))
        throw new Error(`a recipient notifier for "${recipient}" is registered twice`);
      this.notifierByRecipient.set(recipient, notifier);
    }
  }

  /** Undefined when no module can reach the recipient: the notice is then left to the privacy officer. */
  recipientNotifier(recipientId: string): RecipientNotifier | undefined {
    return this.notifierByRecipient.get(recipientId);
  }

  /** Who hears of rectifications (the module that sends the Art. 19 notices). */
  onRectification(listener: RectificationListener): void {
    this.rectificationListeners.push(listener);
  }

  /**
   * A module rectified a person's data: call it inside the transaction that wrote the change (a
   * UnitOfWork transaction, which the listeners join), so the notices commit or roll back with it.
   */
  async rectified(rectification: Rectification): Promise<void> {
    if (rectification.fields.length === 0) return;
    for (const listener of this.rectificationListeners) await listener(rectification);
  }

  /** In registration order. */
  exporters(): PersonalDataExporter[] {
    return [...this.exporterByName.values()];
  }

  /** In registration order. */
  erasers(): PersonalDataEraser[] {
    return [...this.eraserByName.values()];
  }

  eraser(name: string): PersonalDataEraser | undefined {
    return this.eraserByName.get(name);
  }
}
