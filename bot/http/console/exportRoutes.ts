/** CSV downloads (UTF-8 with BOM for Excel, formula cells neutralised by domain/csv.ts); every export is audited. */
import { EXPORT_NAMES, type ExportService } from '../../../domain/exports.ts';
import { sendCsv } from './consoleHttp.ts';
import type { ConsoleRouter } from './consoleRouter.ts';

export function registerExportRoutes(router: ConsoleRouter, deps: { readonly exports: ExportService }): void {
  for (const name of EXPORT_NAMES)
    router.download(`/console/export/${name}.csv`, async ({ res, actor }) => {
      const file = await deps.exports.export(name, actor);
      sendCsv(res, file.filename, file.csv);
    });
}
