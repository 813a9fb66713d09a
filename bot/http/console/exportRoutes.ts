/** CSV downloads (UTF-8 with BOM for Excel, formula cells neutralised by domain/csv.ts); every export is audited. */
import { EXPORT_NAMES, type ExportService } from '../../../domain/exports.ts';
import type { ConsoleRouter } from './consoleRouter.ts';

export function registerExportRoutes(router: ConsoleRouter, deps: { readonly exports: ExportService }): void {
  for (const name of EXPORT_NAMES)
    router.download(`/console/export/${name}.csv`, async ({ res, actor }) => {
      const file = await deps.exports.export(name, actor);
      const body = Buffer.from(file.csv, 'utf8');
      res.writeHead(200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${file.filename}"`,
        'Content-Length': String(body.length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(body);
    });
}
