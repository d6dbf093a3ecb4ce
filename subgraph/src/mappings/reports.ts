// AbuseReports: reports and their resolutions.
import { Report, ReportResolution } from "../../generated/schema";
import { ReportFiled, ReportResolved } from "../../generated/AbuseReports/AbuseReports";
import { reportCategoryName } from "../common/enums";
import { counterId, eventId } from "../common/ids";

export function handleReportFiled(event: ReportFiled): void {
  const p = event.params;
  const report = new Report(counterId(p.reportId));
  report.reportId = p.reportId;
  report.reporter = p.reporter;
  report.subject = p.subject;
  report.category = reportCategoryName(p.category);
  report.relatedRef = p.relatedRef;
  report.evidenceHash = p.evidenceHash;
  report.status = "OPEN";
  report.filedAt = event.block.timestamp;
  report.filedTransactionHash = event.transaction.hash;
  report.save();
}

export function handleReportResolved(event: ReportResolved): void {
  const p = event.params;
  const id = eventId(event);
  const resolution = new ReportResolution(id);
  resolution.report = counterId(p.reportId);
  resolution.moderator = p.moderator;
  resolution.upheld = p.upheld;
  resolution.noteHash = p.noteHash;
  resolution.blockNumber = event.block.number;
  resolution.timestamp = event.block.timestamp;
  resolution.transactionHash = event.transaction.hash;
  resolution.save();
  const report = Report.load(counterId(p.reportId));
  if (report == null) return;
  report.status = p.upheld ? "UPHELD" : "DISMISSED";
  report.resolution = id;
  report.save();
}
