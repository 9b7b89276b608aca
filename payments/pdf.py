"""Receipt and statement PDFs with reportlab (no external service, no browser)."""

from io import BytesIO

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from payments.creator_money import SUMMARY_LINES, StatementView
from payments.models import Receipt
from payments.selectors import receipt_context


def render_receipt(receipt: Receipt) -> bytes:
    ctx = receipt_context(receipt)
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{ctx['title']} {receipt.number}")
    _, height = A4
    y = height - 25 * mm

    def line(text: str, *, size: int = 10, bold: bool = False, x: float = 20 * mm) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        pdf.drawString(x, y, text)
        y -= (size + 5)

    seller = receipt.seller_of_record
    line(f"{ctx['title']} {receipt.number}", size=16, bold=True)
    line(f"Issued {receipt.issued_at:%Y-%m-%d %H:%M} UTC")
    if receipt.original_id:
        line(f"Credit note for receipt {receipt.original.number}")
    y -= 6
    line("Seller of record", bold=True)
    line(seller.get("legal_entity", ""))
    line(seller.get("address", ""))
    line(f"VAT ID {seller.get('vat_id', '')}")
    y -= 6
    line(f"Buyer: @{receipt.buyer_handle}    Creator supported: @{receipt.merchant_handle}")
    if receipt.tax_country:
        line(f"Place of supply: {receipt.tax_country}")
    y -= 6
    line("Item", bold=True)
    for item in ctx["lines"]:
        line(f"{item['quantity']} x {item['description'][:60]}   net {item['net_f']}   tax {item['tax_f']}   "
             f"total {item['total_f']}")
    y -= 6
    for tax in ctx["tax_lines"]:
        line(f"{tax['name']} {tax['rate_pct']} ({tax['jurisdiction']}): {tax['amount_f']}")
    line(f"Subtotal {ctx['subtotal_f']}   Tax {ctx['tax_total_f']}   Total {ctx['total_f']} {receipt.currency}",
         bold=True)
    y -= 6
    line(f"Of the price excluding tax, the platform fee ({ctx['fee_percent']}%) is {ctx['fee_f']} and the creator "
         f"receives {ctx['creator_f']}.", size=8)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_statement(view: StatementView, creator_handle: str) -> bytes:
    """A creator's monthly statement: summary lines and gross, tax and fees per product (reportlab only)."""
    statement = view.statement
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Statement {statement.period:%Y-%m} {statement.currency}")
    _, height = A4
    y = height - 25 * mm

    def row(cells: list[str], *, bold: bool = False, size: int = 9) -> None:
        nonlocal y
        pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        for i, text in enumerate(cells):
            pdf.drawString(20 * mm + i * 28 * mm, y, text)
        y -= size + 6

    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, y, f"Statement {statement.period:%B %Y} ({statement.currency})")
    y -= 22
    row([f"Creator @{creator_handle}", "", f"Seller of record {settings.PAYMENTS_SELLER_LEGAL_NAME}"])
    y -= 6
    row(["Product", "Sales", "Gross", "Tax", "Platform fee", "Earned", "In escrow"], bold=True)
    for p in view.products:
        row([p.label, str(p.count), str(p.gross), str(p.tax), str(p.fee), str(p.earned), str(p.held)])
    lines = view.lines
    row(["Total", "", str(lines["gross"]), str(lines["tax"]), str(lines["fees"]), "", ""], bold=True)
    y -= 10
    for key, label in SUMMARY_LINES:
        row([label, "", str(lines[key])], bold=key in ("opening", "closing"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
