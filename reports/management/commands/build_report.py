"""`manage.py build_report --org SLUG --month YYYY-MM --out FILE.pdf`: a cycle's report as a
PDF, the same document the app shows, from the command line."""

import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from reports.assembly import document_for_cycle
from reports.models import ReportCycle
from reports.pdf import PdfUnavailable, build_pdf

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Command(BaseCommand):
    help = "Build the PDF of an organisation's report for one month."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, metavar="SLUG")
        parser.add_argument("--month", required=True, metavar="YYYY-MM")
        parser.add_argument("--out", required=True, metavar="FILE.pdf")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "SITE_URL", ""),
            help="The site's address, for links to the signals (e.g. https://spaning.kommun.se).",
        )

    def handle(self, *args, org, month, out, base_url, **options):
        match = _MONTH.match(month)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise CommandError(f"--month must be YYYY-MM, e.g. 2026-11, not {month!r}")
        first_day = date(int(match.group(1)), int(match.group(2)), 1)
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organisation has the slug {org!r}")
        cycle = ReportCycle.objects.filter(organization=organization, month=first_day).first()
        if cycle is None:
            raise CommandError(f"{organization.name} has no report cycle for {month}")
        try:
            pdf = build_pdf(document_for_cycle(cycle, base_url=base_url))
        except PdfUnavailable as missing:
            raise CommandError(str(missing)) from None
        Path(out).write_bytes(pdf)
        self.stdout.write(f"{out}: {len(pdf):,} bytes, {organization.name}, {month}")
