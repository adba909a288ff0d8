import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentDevice, DeviceApi } from './device-auth.js';
import type { DevicePrincipal } from './devices.service.js';

@ApiTags('device')
@DeviceApi()
@Controller('api/v1/device')
export class DeviceSelfController {
  @Get('self')
  @ApiOperation({
    summary: 'Which device and practice the credential belongs to (a device checks its setup)',
  })
  self(@CurrentDevice() device: DevicePrincipal): { deviceId: string; practiceId: string } {
    return { deviceId: device.deviceId, practiceId: device.practiceId };
  }
}
