"""Receipt PDFs with reportlab (no external service, no browser)."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

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
