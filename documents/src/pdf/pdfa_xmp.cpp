#include "pdfa_xmp.hpp"

#include <date/date.h>

namespace fakturad::documents::detail {

namespace {

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

std::string xmp_date(std::chrono::sys_seconds t) { return date::format("%FT%TZ", t); }

std::string facturx_schema_property(std::string_view name, std::string_view description) {
    std::string out = "<rdf:li rdf:parseType=\"Resource\">";
    out += "<pdfaProperty:name>" + std::string(name) + "</pdfaProperty:name>";
    out += "<pdfaProperty:valueType>Text</pdfaProperty:valueType>";
    out += "<pdfaProperty:category>external</pdfaProperty:category>";
    out += "<pdfaProperty:description>" + std::string(description) + "</pdfaProperty:description>";
    out += "</rdf:li>\n";
    return out;
}

}  // namespace

std::string pdf_date(std::chrono::sys_seconds t) { return date::format("D:%Y%m%d%H%M%SZ", t); }

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

}  // namespace fakturad::documents::detail
