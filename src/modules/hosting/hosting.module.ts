import { Module } from '@nestjs/common';
import { PrivacyModule } from '@app/privacy';
import { SHOP_RECIPIENTS } from '../../privacy/recipients.js';
import { HOSTING } from './hosting.declarations.js';

/** Declares the hosting processing and the shop's recipients catalogue; no routes. */
@Module({ imports: [PrivacyModule.forFeature({ activities: [HOSTING], recipients: SHOP_RECIPIENTS })] })
export class HostingModule {}
