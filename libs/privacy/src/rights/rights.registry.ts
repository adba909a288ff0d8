import { Injectable } from '@nestjs/common';
import type { PersonalDataEraser, PersonalDataExporter } from './rights.contracts.js';

/**
 * Where modules register their exporter and eraser, from their own `onModuleInit`:
 *
 *   constructor(private readonly rights: RightsRegistry, private readonly eraser: OrdersEraser) {}
 *   onModuleInit() { this.rights.registerEraser(this.eraser); }
 *
 * Chosen over a multi-provider token because Nest has no multi-providers: a token collecting
 * implementations from many modules would need each module to edit one central list, while a
 * registry lets each module bring its own (the kernel never imports a module, DESIGN §3). Every
 * instance registers the same set at boot, so nothing here is state another instance would need.
 */
@Injectable()
export class RightsRegistry {
  private readonly exporterByName = new Map<string, PersonalDataExporter>();
  private readonly eraserByName = new Map<string, PersonalDataEraser>();

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
