import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';

export interface StatisticsGroup {
  gender: string;
  ageBand: string;
  subjects: number;
  samples: number;
  mean: { itaDeg: number; redness: number; evenness: number; spotCount: number; spotAreaPct: number };
}

export interface StatisticsReport {
  minGroupSize: number;
  groups: StatisticsGroup[];
  /** Groups left out because fewer than minGroupSize subjects are in them (their size is not shown). */
  suppressedGroups: number;
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * The improvement statistics: means of the metrics of subjects with the device-improvement consent,
 * per gender and 10-year age band. A group is shown only when at least DEVICE_STATS_MIN_GROUP
 * distinct subjects are in it; smaller groups are only counted. No image, no reference, no id.
 */
@Injectable()
export class ImprovementStatistics {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async report(): Promise<StatisticsReport> {
    const min = this.config.DEVICE_STATS_MIN_GROUP;
    const rows = await this.dataSource.query<
      {
        gender: string;
        age_band: string;
        subjects: number;
        samples: number;
        ita: number;
        redness: number;
        evenness: number;
        spots: number;
        area: number;
      }[]
    >(
      `select gender, age_band, count(distinct subject_id)::int as subjects, count(*)::int as samples,
              avg(ita_deg)::float8 as ita, avg(redness)::float8 as redness, avg(evenness)::float8 as evenness,
              avg(spot_count)::float8 as spots, avg(spot_area_pct)::float8 as area
         from device_improvement_sample group by gender, age_band order by gender, age_band`,
    );
    const shown = rows.filter((r) => r.subjects >= min);
    return {
      minGroupSize: min,
      suppressedGroups: rows.length - shown.length,
      groups: shown.map((r) => ({
        gender: r.gender,
        ageBand: r.age_band,
        subjects: r.subjects,
        samples: r.samples,
        mean: {
          itaDeg: r2(r.ita),
          redness: r2(r.redness),
          evenness: r2(r.evenness),
          spotCount: r2(r.spots),
          spotAreaPct: r2(r.area),
        },
      })),
    };
  }
}
