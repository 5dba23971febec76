// Issue #4 part 2 assembled for the API: handovers, return visits, PM plans and the drill report.
import type { Clock } from '../core/clock.js'
import type { Repos } from '../core/ports.js'
import type { ReturnVisitService } from '../work-orders/return-visit.service.js'
import type { PmPlanService } from '../work-orders/pm-plans.service.js'
import type { HandoverService } from './handover.service.js'
import { createDrillReport, type DrillReportFn } from './drill-report.js'

export interface DutyServices {
  handovers: HandoverService
  returnVisits: ReturnVisitService
  pmPlans: PmPlanService
  drillReport: DrillReportFn
}

export function createDutyServices(deps: { repos: Repos; clock: Clock; handovers: HandoverService; returnVisits: ReturnVisitService; pmPlans: PmPlanService }): DutyServices {
  return { handovers: deps.handovers, returnVisits: deps.returnVisits, pmPlans: deps.pmPlans, drillReport: createDrillReport({ repos: deps.repos }) }
}
