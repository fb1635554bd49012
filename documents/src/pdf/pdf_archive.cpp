#include "fakturad/documents/pdf_archive.hpp"

#include "pdfa_xmp.hpp"

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
using detail::make_xmp;
using detail::pdf_date;

// Some writers (cairo among them) leave /CIDToGIDMap out of CIDFontType2 descendants, which PDF/A requires;
// their CIDs are the glyph ids of the embedded subset, so the identity map is the right one. Our own writer
// sets it; the repair is for PDFs from elsewhere.
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
    const std::string producer(detail::pdf_producer);
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

        // A fresh Info dictionary: one the input may carry has another producer and the time of rendering.
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
        // The renderer's streams are already deflated; decoding and re-deflating them would double the cost.
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
