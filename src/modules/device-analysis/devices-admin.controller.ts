import { Body, Controller, Delete, Get, Header, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffAuthGuard, StaffRoles } from '../../common/auth/auth.guards.js';
import { ActiveStaffGuard } from '../back-office/index.js';
import { RegisterDeviceDto, RegisterPracticeDto } from './devices-admin.dto.js';
import {
  Devices,
  type CredentialRecord,
  type DeviceRecord,
  type IssuedCredential,
  type PracticeRecord,
} from './devices.service.js';

/** Staff (admin) register practices, their devices and the devices' credentials. */
@ApiTags('device analysis (admin)')
@ApiBearerAuth()
@UseGuards(StaffAuthGuard, ActiveStaffGuard)
@StaffRoles('admin')
@Controller('api/v1/admin')
export class DevicesAdminController {
  constructor(private readonly devices: Devices) {}

  @Post('device-practices')
  @ApiOperation({ summary: 'Register a practice (a partner of kind practice)' })
  registerPractice(@Body() body: RegisterPracticeDto): Promise<PracticeRecord> {
    return this.devices.registerPractice(body);
  }

  @Get('device-practices')
  @ApiOperation({ summary: 'Every practice' })
  listPractices(): Promise<PracticeRecord[]> {
    return this.devices.listPractices();
  }

  @Post('device-practices/:practiceId/devices')
  @ApiOperation({ summary: 'Register a device of the practice by its serial number' })
  registerDevice(
    @Param('practiceId', new ParseUUIDPipe()) practiceId: string,
    @Body() body: RegisterDeviceDto,
  ): Promise<DeviceRecord> {
    return this.devices.registerDevice(practiceId, body.serialNumber);
  }

  @Get('device-practices/:practiceId/devices')
  @ApiOperation({ summary: "The practice's devices" })
  listDevices(@Param('practiceId', new ParseUUIDPipe()) practiceId: string): Promise<DeviceRecord[]> {
    return this.devices.listDevices(practiceId);
  }

  @Post('devices/:deviceId/credentials')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Issue a device credential: the secret is in this answer only, stored hashed' })
  issueCredential(@Param('deviceId', new ParseUUIDPipe()) deviceId: string): Promise<IssuedCredential> {
    return this.devices.issueCredential(deviceId);
  }

  @Get('devices/:deviceId/credentials')
  @ApiOperation({ summary: "A device's credentials (prefix and dates, never the secret)" })
  listCredentials(@Param('deviceId', new ParseUUIDPipe()) deviceId: string): Promise<CredentialRecord[]> {
    return this.devices.listCredentials(deviceId);
  }

  @Delete('devices/:deviceId/credentials/:credentialId')
  @ApiOperation({ summary: 'Revoke a device credential at once and for good' })
  revokeCredential(
    @Param('deviceId', new ParseUUIDPipe()) deviceId: string,
    @Param('credentialId', new ParseUUIDPipe()) credentialId: string,
  ): Promise<CredentialRecord> {
    return this.devices.revokeCredential(deviceId, credentialId);
  }
}
