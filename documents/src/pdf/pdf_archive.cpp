#include "fakturad/documents/pdf_archive.hpp"

#include <date/date.h>
#include <qpdf/Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFEFStreamObjectHelper.hh>
#include <qpdf/QPDFEmbeddedFileDocumentHelper.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFFileSpecObjectHelper.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFWriter.hh>

#include <cstdio>

namespace fakturad::documents {
namespace {

using oh = QPDFObjectHandle;

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// "2026-11-27T00:00:00Z" for XMP, "D:20261127000000Z" for the Info dictionary: one instant, two spellings.
std::string xmp_date(std::chrono::sys_seconds t) { return date::format("%FT%TZ", t); }
std::string pdf_date(std::chrono::sys_seconds t) { return date::format("D:%Y%m%d%H%M%SZ", t); }

std::string facturx_schema_property(std::string_view name, std::string_view description) {
    std::string out = "<rdf:li rdf:parseType=\"Resource\">";
    out += "<pdfaProperty:name>" + std::string(name) + "</pdfaProperty:name>";
    out += "<pdfaProperty:valueType>Text</pdfaProperty:valueType>";
    out += "<pdfaProperty:category>external</pdfaProperty:category>";
    out += "<pdfaProperty:description>" + std::string(description) + "</pdfaProperty:description>";
    out += "</rdf:li>\n";
    return out;
}

std::string make_xmp(
    const pdfa_metadata& meta, std::string_view producer, const std::optional<facturx_attachment>& att
) {
    const std::string created = xmp_date(meta.created);
    // The xpacket header has neither bytes nor encoding attributes (ISO 19005-3 6.6.2.1).
    std::string x = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n";
    x += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF "
         "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n";
    x += "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">"
         "<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n";
    x += "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">";
    x += "<dc:format>application/pdf</dc:format>";
    // An empty value is left out here and in the Info dictionary alike, so that both always agree.
    if (!meta.title.empty()) {
        x += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(meta.title) +
             "</rdf:li></rdf:Alt></dc:title>";
    }
    if (!meta.author.empty()) {
        x += "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(meta.author) + "</rdf:li></rdf:Seq></dc:creator>";
    }
    if (!meta.subject.empty()) {
        x += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(meta.subject) +
             "</rdf:li></rdf:Alt></dc:description>";
    }
    x += "</rdf:Description>\n";
    x += "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">";
    x += "<xmp:CreatorTool>" + xml_escape(meta.creator_tool) + "</xmp:CreatorTool>";
    x += "<xmp:CreateDate>" + created + "</xmp:CreateDate><xmp:ModifyDate>" + created +
         "</xmp:ModifyDate><xmp:MetadataDate>" + created + "</xmp:MetadataDate>";
    x += "</rdf:Description>\n";
    x += "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"><pdf:Producer>" +
         xml_escape(producer) + "</pdf:Producer></rdf:Description>\n";
    if (att) {
        // fx: is not a predefined XMP schema, so PDF/A wants it declared by an extension schema.
        x += "<rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" "
             "xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" "
             "xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n";
        x += "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n";
        x += "<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\n";
        x += "<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</"
             "pdfaSchema:namespaceURI>\n";
        x += "<pdfaSchema:prefix>fx</pdfaSchema:prefix>\n<pdfaSchema:property><rdf:Seq>\n";
        x += facturx_schema_property("DocumentFileName", "The name of the embedded XML document");
        x += facturx_schema_property(
            "DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"
        );
        x += facturx_schema_property(
            "Version", "The actual version of the standard applying to the embedded XML document"
        );
        x +=
            facturx_schema_property("ConformanceLevel", "The conformance level of the embedded XML document");
        x += "</rdf:Seq></pdfaSchema:property>\n</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</"
             "rdf:Description>\n";
        x += "<rdf:Description rdf:about=\"\" "
             "xmlns:fx=\"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#\">";
        x += "<fx:DocumentType>INVOICE</fx:DocumentType>";
        x +=
            "<fx:DocumentFileName>" + std::string(facturx_file_name(att->profile)) + "</fx:DocumentFileName>";
        x += "<fx:Version>1.0</fx:Version>";
        x += "<fx:ConformanceLevel>" + std::string(facturx_conformance_level(att->profile)) +
             "</fx:ConformanceLevel>";
        x += "</rdf:Description>\n";
    }
    x += "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
    return x;
}

// cairo writes CIDFontType2 descendants without /CIDToGIDMap, which PDF/A requires; its CIDs are the glyph
// ids of the embedded subset, so the identity map is the right one.
void add_missing_cid_to_gid_maps(QPDF& q) {
    for (oh& obj : q.getAllObjects()) {
        if (!obj.isDictionary()) {
            continue;
        }
        oh subtype = obj.getKey("/Subtype");
        if (subtype.isName() && subtype.getName() == "/CIDFontType2" && !obj.hasKey("/CIDToGIDMap")) {
            obj.replaceKey("/CIDToGIDMap", oh::newName("/Identity"));
        }
    }
}

}  // namespace

std::string_view facturx_file_name(facturx_profile p) noexcept {
    return p == facturx_profile::xrechnung ? "xrechnung.xml" : "factur-x.xml";
}

std::string_view facturx_conformance_level(facturx_profile p) noexcept {
    switch (p) {
        case facturx_profile::en16931:
            return "EN 16931";
        case facturx_profile::extended:
            return "EXTENDED";
        case facturx_profile::xrechnung:
            return "XRECHNUNG";
    }
    return "EN 16931";
}

std::string_view to_string(facturx_profile p) noexcept {
    switch (p) {
        case facturx_profile::en16931:
            return "en16931";
        case facturx_profile::extended:
            return "extended";
        case facturx_profile::xrechnung:
            return "xrechnung";
    }
    return "en16931";
}

std::optional<facturx_profile> parse_facturx_profile(std::string_view text) noexcept {
    for (auto p : {facturx_profile::en16931, facturx_profile::extended, facturx_profile::xrechnung}) {
        if (to_string(p) == text) {
            return p;
        }
    }
    return std::nullopt;
}

std::string make_pdfa3(
    std::string_view rendered_pdf,
    std::string_view srgb_icc,
    const pdfa_metadata& meta,
    const std::optional<facturx_attachment>& attachment
) {
    // qpdf deflates only what this step adds (the XML, the ICC profile); level 1 costs a tenth of the step
    // less for 0.5 % more bytes. The level is qpdf-global: set once, before any writer runs.
    static const bool fast_deflate = [] {
        Pl_Flate::setCompressionLevel(1);
        return true;
    }();
    (void)fast_deflate;
    const std::string producer = "fakturad (cairo, qpdf)";
    try {
        QPDF q;
        q.setSuppressWarnings(true);
        const std::string input(rendered_pdf);  // qpdf reads from it while q lives
        q.processMemoryFile("invoice.pdf", input.data(), input.size());
        oh root = q.getRoot();

        oh icc = oh::newStream(&q, std::string(srgb_icc));
        icc.getDict().replaceKey("/N", oh::newInteger(3));
        oh intent = oh::newDictionary();
        intent.replaceKey("/Type", oh::newName("/OutputIntent"));
        intent.replaceKey("/S", oh::newName("/GTS_PDFA1"));
        intent.replaceKey("/OutputConditionIdentifier", oh::newString("sRGB IEC61966-2.1"));
        intent.replaceKey("/Info", oh::newString("sRGB IEC61966-2.1"));
        intent.replaceKey("/DestOutputProfile", icc);
        root.replaceKey("/OutputIntents", oh::newArray({q.makeIndirectObject(intent)}));

        oh xmp = oh::newStream(&q, make_xmp(meta, producer, attachment));
        xmp.getDict().replaceKey("/Type", oh::newName("/Metadata"));
        xmp.getDict().replaceKey("/Subtype", oh::newName("/XML"));
        root.replaceKey("/Metadata", xmp);

        // A fresh Info dictionary: cairo's carries its own producer and the time of rendering.
        oh info = oh::newDictionary();
        const std::string when = pdf_date(meta.created);
        for (const auto& [key, value] :
             {std::pair{"/Title", &meta.title},
              std::pair{"/Author", &meta.author},
              std::pair{"/Subject", &meta.subject}}) {
            if (!value->empty()) {
                info.replaceKey(key, oh::newUnicodeString(*value));
            }
        }
        info.replaceKey("/Creator", oh::newUnicodeString(meta.creator_tool));
        info.replaceKey("/Producer", oh::newUnicodeString(producer));
        info.replaceKey("/CreationDate", oh::newString(when));
        info.replaceKey("/ModDate", oh::newString(when));
        q.getTrailer().replaceKey("/Info", q.makeIndirectObject(info));

        if (attachment) {
            const std::string name(facturx_file_name(attachment->profile));
            auto ef = QPDFEFStreamObjectHelper::createEFStream(q, attachment->xml);
            ef.setSubtype("text/xml");
            ef.setModDate(when);
            auto spec = QPDFFileSpecObjectHelper::createFileSpec(q, name, ef);
            spec.setDescription(
                "Factur-X / ZUGFeRD invoice (" + std::string(facturx_conformance_level(attachment->profile)) +
                ")"
            );
            oh spec_obj = spec.getObjectHandle();
            // The XML states the same invoice as the PDF: Alternative (Factur-X 1.09 for BASIC and above).
            spec_obj.replaceKey("/AFRelationship", oh::newName("/Alternative"));
            if (!spec_obj.isIndirect()) {
                spec_obj = q.makeIndirectObject(spec_obj);
            }
            QPDFEmbeddedFileDocumentHelper(q).replaceEmbeddedFile(name, QPDFFileSpecObjectHelper(spec_obj));
            root.replaceKey("/AF", oh::newArray({spec_obj}));
        }

        add_missing_cid_to_gid_maps(q);

        QPDFWriter w(q);
        w.setOutputMemory();
        w.setMinimumPDFVersion("1.7");
        w.setNewlineBeforeEndstream(true);
        w.setObjectStreamMode(qpdf_o_disable);
        // cairo's streams are already deflated; decoding and re-deflating them would double the cost.
        w.setDecodeLevel(qpdf_dl_none);
        w.setDeterministicID(true);
        w.write();
        auto buffer = w.getBufferSharedPointer();
        return {reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize()};
    } catch (const QPDFExc& e) {
        throw pdf_archive_error(std::string("PDF/A-3 step: the rendered PDF is not readable: ") + e.what());
    } catch (const std::logic_error& e) {
        throw pdf_archive_error(std::string("PDF/A-3 step: qpdf rejected the document: ") + e.what());
    }
}

}  // namespace fakturad::documents
