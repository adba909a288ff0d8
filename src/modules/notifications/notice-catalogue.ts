import { Injectable } from '@nestjs/common';
import type { NoticeRecipientResolver, NoticeTemplate } from './notice.contracts.js';

const TEMPLATE_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const RECIPIENT_KIND = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The notice templates and recipient resolvers of every module. A module registers its own in
 * `onModuleInit` (as with RightsRegistry): the notifications module never imports a sender.
 */
@Injectable()
export class NoticeCatalogue {
  private readonly templates = new Map<string, NoticeTemplate>();
  private readonly resolvers = new Map<string, NoticeRecipientResolver>();

  registerTemplate(template: NoticeTemplate): void {
    if (!TEMPLATE_ID.test(template.id))
      throw new Error(`notice template id "${template.id}" must look like "module.notice-name"`);
    if (this.templates.has(template.id))
      throw new Error(`notice template "${template.id}" is registered twice`);
    this.templates.set(template.id, template);
  }

  registerRecipients(kind: string, resolver: NoticeRecipientResolver): void {
    if (!RECIPIENT_KIND.test(kind)) throw new Error(`recipient kind "${kind}" must be kebab-case`);
    if (this.resolvers.has(kind)) throw new Error(`recipients of kind "${kind}" are registered twice`);
    this.resolvers.set(kind, resolver);
  }

  template(id: string): NoticeTemplate | undefined {
    return this.templates.get(id);
  }

  resolver(kind: string): NoticeRecipientResolver | undefined {
    return this.resolvers.get(kind);
  }
}
