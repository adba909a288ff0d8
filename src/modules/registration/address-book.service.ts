import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnitOfWork } from '@app/core';
import { AuditLog, ProcessingGuard, RightsRegistry } from '@app/privacy';
import { DataSource, Not, type EntityManager } from 'typeorm';
import { conflict, notFound } from '../../common/problem/problem.js';
import { customerSubject } from '../../common/subjects.js';
import { CustomerAddress } from './customer-address.entity.js';
import type { AddressDto, CreateAddressDto, UpdateAddressDto } from './dto/address.dto.js';
import { REGISTRATION } from './registration.declarations.js';

/** More is no address book but a data store; a shop customer needs a handful. */
export const MAX_ADDRESSES = 20;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type AddressField = keyof UpdateAddressDto;
const FIELDS: readonly AddressField[] = [
  'label',
  'firstName',
  'lastName',
  'company',
  'street',
  'houseNumber',
  'addressLine2',
  'postalCode',
  'city',
  'country',
  'isDefaultDelivery',
  'isDefaultBilling',
];

export const toAddress = (a: CustomerAddress): AddressDto => ({
  id: a.id,
  label: a.label,
  firstName: a.firstName,
  lastName: a.lastName,
  company: a.company,
  street: a.street,
  houseNumber: a.houseNumber,
  addressLine2: a.addressLine2,
  postalCode: a.postalCode,
  city: a.city,
  country: a.country,
  isDefaultDelivery: a.isDefaultDelivery,
  isDefaultBilling: a.isDefaultBilling,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

const addressNotFound = () => notFound('The address');

/**
 * The customer's address book. Every query is scoped to the signed-in customer: another customer's
 * address id answers 404, exactly like an id that does not exist, so ids cannot be probed.
 */
@Injectable()
export class AddressBook {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly guard: ProcessingGuard,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
    private readonly rights: RightsRegistry,
  ) {}

  async list(customerId: string): Promise<AddressDto[]> {
    const rows = await this.dataSource.manager.find(CustomerAddress, {
      where: { customerId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toAddress);
  }

  async get(customerId: string, id: string): Promise<AddressDto> {
    return toAddress(await this.own(this.dataSource.manager, customerId, id));
  }

  async create(customerId: string, dto: CreateAddressDto): Promise<AddressDto> {
    const subjectId = customerSubject(customerId);
    return this.dataSource.transaction(async (manager) => {
      await this.guard.assertMayProcess(REGISTRATION.id, subjectId, { manager });
      // Serialises address-book writes of one customer, so the limit and the defaults hold.
      await manager.query('select 1 from customer where id = $1 for update', [customerId]);
      const count = await manager.count(CustomerAddress, { where: { customerId } });
      if (count >= MAX_ADDRESSES) {
        throw conflict('address-book-full', `The address book holds at most ${MAX_ADDRESSES} addresses.`, {
          limit: MAX_ADDRESSES,
        });
      }
      const address = manager.create(CustomerAddress, {
        customerId,
        label: dto.label ?? null,
        firstName: dto.firstName,
        lastName: dto.lastName,
        company: dto.company ?? null,
        street: dto.street,
        houseNumber: dto.houseNumber ?? null,
        addressLine2: dto.addressLine2 ?? null,
        postalCode: dto.postalCode,
        city: dto.city,
        country: dto.country,
        isDefaultDelivery: false,
        isDefaultBilling: false,
      });
      const saved = await manager.save(address);
      await this.applyDefaults(manager, saved, dto.isDefaultDelivery, dto.isDefaultBilling);
      return toAddress(saved);
    });
  }

  /** Rectification of one address (Art. 16), audited with the changed field names. */
  async update(customerId: string, id: string, dto: UpdateAddressDto): Promise<AddressDto> {
    const subjectId = customerSubject(customerId);
    return this.uow.transaction(async (manager) => {
      // The person's own rectification is not stopped by a restriction (Art. 18(2), with their consent).
      await this.guard.assertMayProcess(REGISTRATION.id, subjectId, { manager, bySubjectsRequest: true });
      await manager.query('select 1 from customer where id = $1 for update', [customerId]);
      const address = await this.own(manager, customerId, id);
      const changed = FIELDS.filter((f) => dto[f] !== undefined && dto[f] !== address[f]);
      if (changed.length === 0) return toAddress(address);
      for (const field of changed) {
        if (field === 'isDefaultDelivery' || field === 'isDefaultBilling') continue;
        Object.assign(address, { [field]: dto[field] ?? null });
      }
      const saved = await manager.save(address);
      await this.applyDefaults(manager, saved, dto.isDefaultDelivery, dto.isDefaultBilling);
      await this.audit.append({
        subjectId,
        activityId: REGISTRATION.id,
        action: 'rectify',
        fields: changed.map((f) => `address.${f}`),
      });
      // Art. 19: the recipients that received the data are told, in this transaction.
      await this.rights.rectified({
        subjectId,
        activityId: REGISTRATION.id,
        fields: changed
          .filter((f) => f !== 'isDefaultDelivery' && f !== 'isDefaultBilling')
          .map((f) => `address.${f}`),
      });
      return toAddress(saved);
    });
  }

  /** Deletes one address at once (it is the customer's own voluntary data). */
  async remove(customerId: string, id: string): Promise<void> {
    const subjectId = customerSubject(customerId);
    await this.dataSource.transaction(async (manager) => {
      const address = await this.own(manager, customerId, id);
      await manager.delete(CustomerAddress, { id: address.id, customerId });
      await this.audit.append({
        subjectId,
        activityId: REGISTRATION.id,
        action: 'erase',
        fields: ['address'],
      });
    });
  }

  private async own(manager: EntityManager, customerId: string, id: string): Promise<CustomerAddress> {
    if (!UUID.test(id)) throw addressNotFound();
    const address = await manager.findOneBy(CustomerAddress, { id, customerId });
    if (!address) throw addressNotFound();
    return address;
  }

  /** Sets (or clears) the default flags; one default of each kind per customer. */
  private async applyDefaults(
    manager: EntityManager,
    address: CustomerAddress,
    delivery: boolean | undefined,
    billing: boolean | undefined,
  ): Promise<void> {
    for (const [flag, value] of [
      ['isDefaultDelivery', delivery],
      ['isDefaultBilling', billing],
    ] as const) {
      if (value === undefined || address[flag] === value) continue;
      if (value) {
        await manager.update(
          CustomerAddress,
          { customerId: address.customerId, id: Not(address.id), [flag]: true },
          { [flag]: false },
        );
      }
      await manager.update(CustomerAddress, { id: address.id }, { [flag]: value });
      address[flag] = value;
    }
  }
}
