#include "schema.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <stdexcept>

namespace fakturad::sf_emulator {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

const field_def* object_def::find_field(std::string_view field_name) const {
    for (const auto& f : fields) {
        if (iequals(f.name, field_name)) {
            return &f;
        }
    }
    return nullptr;
}

const field_def* object_def::find_relationship(std::string_view relationship) const {
    for (const auto& f : fields) {
        if (!f.relationship_name.empty() && iequals(f.relationship_name, relationship)) {
            return &f;
        }
    }
    return nullptr;
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, sep)) {
        out.push_back(part);
    }
    if (!text.empty() && text.back() == sep) {
        out.emplace_back();
    }
    return out;
}

// "Name|type|size|flags|extra|label": size is "n" (length), "p,s" (precision,scale) or "dN" (digits);
// flags: r required, d defaulted, s system (read-only, not nillable), C createable, U updateable,
// x external id, u unique, R restricted picklist, L idLookup, N name field;
// extra: picklist values separated by ';' (default marked '*'), or "Target,Target>Rel>ChildRel[>cascade]"
// for references, or "=value" for a boolean default.
field_def parse_spec(const std::string& spec) {
    auto parts = split(spec, '|');
    parts.resize(6);
    field_def f;
    f.name = parts[0];
    f.type = parts[1];
    f.label = parts[5].empty() ? parts[0] : parts[5];
    const std::string& size = parts[2];
    if (!size.empty()) {
        if (size[0] == 'd') {
            f.digits = std::stoi(size.substr(1));
        } else if (auto comma = size.find(','); comma != std::string::npos) {
            f.precision = std::stoi(size.substr(0, comma));
            f.scale = std::stoi(size.substr(comma + 1));
        } else {
            f.length = std::stoi(size);
        }
    }
    const std::string& flags = parts[3];
    f.createable = flags.find('C') != std::string::npos;
    f.updateable = flags.find('U') != std::string::npos;
    if (flags.find('r') != std::string::npos) {
        f.nillable = false;
    }
    if (flags.find('d') != std::string::npos) {
        f.nillable = false;
        f.defaulted_on_create = true;
    }
    if (flags.find('s') != std::string::npos) {
        f.nillable = false;
        f.defaulted_on_create = true;
    }
    f.external_id = flags.find('x') != std::string::npos;
    f.unique = flags.find('u') != std::string::npos;
    f.restricted_picklist = flags.find('R') != std::string::npos;
    f.id_lookup = flags.find('L') != std::string::npos || f.external_id;
    f.name_field = flags.find('N') != std::string::npos;
    const std::string& extra = parts[4];
    if (f.type == "picklist" || f.type == "multipicklist" || f.type == "combobox") {
        for (auto& v : split(extra, ';')) {
            if (v.empty()) {
                continue;
            }
            if (v[0] == '*') {
                v = v.substr(1);
                f.picklist_default = v;
            }
            f.picklist.push_back(v);
        }
    } else if (f.type == "reference") {
        auto ref = split(extra, '>');
        ref.resize(4);
        f.reference_to = split(ref[0], ',');
        f.relationship_name = ref[1];
        f.child_relationship_name = ref[2];
        f.cascade_delete = ref[3] == "cascade";
        f.length = 18;
    } else if (!extra.empty() && extra[0] == '=') {
        f.default_value = extra.substr(1);
    }
    if (f.type == "boolean") {
        f.nillable = false;
        f.defaulted_on_create = true;
        if (!f.default_value) {
            f.default_value = "false";
        }
    }
    return f;
}

struct object_spec {
    const char* name;
    const char* prefix;
    const char* label;
    const char* plural;
    bool owner;         // has OwnerId
    bool owner_queues;  // OwnerId may point to a Group
    bool audit;         // CreatedDate/CreatedById/LastModified*
    const char* flags;  // c createable, u updateable, d deletable, n undeletable, m mergeable, s searchable,
                        // t triggerable
    std::vector<const char*> fields;
};

const char* const address_suffixes[] = {"Street", "City", "State", "PostalCode", "Country"};

void add_address(object_def& o, const std::string& prefix) {
    const int lengths[] = {255, 40, 80, 20, 80};
    for (int i = 0; i < 5; ++i) {
        field_def f = parse_spec(
            prefix + address_suffixes[i] + "|" + (i == 0 ? "textarea" : "string") + "|" +
            std::to_string(lengths[i]) + "|CU"
        );
        f.compound_field_name = prefix + "Address";
        o.fields.push_back(f);
    }
    for (const char* geo : {"Latitude", "Longitude"}) {
        field_def f = parse_spec(prefix + geo + "|double|18,15|CU");
        f.compound_field_name = prefix + "Address";
        o.fields.push_back(f);
    }
    field_def acc = parse_spec(
        prefix +
        "GeocodeAccuracy|picklist|40|CU|Address;NearAddress;Block;Street;ExtendedZip;Zip;Neighborhood;City;"
        "County;"
        "State;Unknown"
    );
    acc.compound_field_name = prefix + "Address";
    o.fields.push_back(acc);
    o.fields.push_back(parse_spec(prefix + "Address|address||"));
}

const std::vector<object_spec>& standard_specs() {
    static const std::vector<object_spec> specs = {
        {"Account",
         "001",
         "Account",
         "Accounts",
         true,
         false,
         true,
         "cudnmst",
         {"MasterRecordId|reference||o|Account>MasterRecord",
          "Name|string|255|rCUN||Account Name",
          "Type|picklist|255|CU|Prospect;Customer - Direct;Customer - Channel;Channel Partner / "
          "Reseller;Installation "
          "Partner;Technology Partner;Other|Account Type",
          "ParentId|reference||CU|Account>Parent>ChildAccounts",
          "@Billing",
          "@Shipping",
          "Phone|phone|40|CU",
          "Fax|phone|40|CU",
          "AccountNumber|string|40|CU",
          "Website|url|255|CU",
          "Sic|string|20|CU",
          "Industry|picklist|255|CU|Agriculture;Apparel;Banking;Biotechnology;Chemicals;Communications;"
          "Construction;"
          "Consulting;Education;Electronics;Energy;Engineering;Entertainment;Environmental;Finance;Food & "
          "Beverage;Government;Healthcare;Hospitality;Insurance;Machinery;Manufacturing;Media;Not For "
          "Profit;Recreation;Retail;Shipping;Technology;Telecommunications;Transportation;Utilities;Other",
          "AnnualRevenue|currency|18,0|CU",
          "NumberOfEmployees|int|d8|CU|",
          "Ownership|picklist|255|CU|Public;Private;Subsidiary;Other",
          "TickerSymbol|string|20|CU",
          "Description|textarea|32000|CU",
          "Rating|picklist|255|CU|Hot;Warm;Cold",
          "Site|string|80|CU",
          "LastActivityDate|date||",
          "AccountSource|picklist|255|CU|Web;Phone Inquiry;Partner Referral;Purchased List;Other",
          "DunsNumber|string|9|CU"}},
        {"Contact",
         "003",
         "Contact",
         "Contacts",
         true,
         false,
         true,
         "cudnmst",
         {"MasterRecordId|reference||o|Contact>MasterRecord",
          "AccountId|reference||CU|Account>Account>Contacts>cascade",
          "LastName|string|80|rCU",
          "FirstName|string|40|CU",
          "Salutation|picklist|40|CU|Mr.;Ms.;Mrs.;Dr.;Prof.",
          "Name|string|121|sN||Full Name",
          "@Mailing",
          "@Other",
          "Phone|phone|40|CU",
          "Fax|phone|40|CU",
          "MobilePhone|phone|40|CU",
          "HomePhone|phone|40|CU",
          "OtherPhone|phone|40|CU",
          "AssistantPhone|phone|40|CU",
          "Email|email|80|CUL",
          "Title|string|128|CU",
          "Department|string|80|CU",
          "LeadSource|picklist|255|CU|Web;Phone Inquiry;Partner Referral;Purchased List;Other",
          "Description|textarea|32000|CU",
          "LastActivityDate|date||",
          "IsEmailBounced|boolean||s"}},
        {"Opportunity",
         "006",
         "Opportunity",
         "Opportunities",
         true,
         false,
         true,
         "cudnst",
         {"AccountId|reference||CU|Account>Account>Opportunities>cascade",
          "IsPrivate|boolean||CU",
          "Name|string|120|rCULN||Name",
          "Description|textarea|32000|CU",
          "StageName|picklist|255|rCU|Prospecting;Qualification;Needs Analysis;Value Proposition;Id. "
          "Decision "
          "Makers;Perception Analysis;Proposal/Price Quote;Negotiation/Review;Closed Won;Closed Lost|Stage",
          "Amount|currency|18,2|CU",
          "Probability|percent|3,0|CU||Probability (%)",
          "ExpectedRevenue|currency|18,2|",
          "TotalOpportunityQuantity|double|18,2|CU",
          "CloseDate|date||rCU",
          "Type|picklist|255|CU|Existing Customer - Upgrade;Existing Customer - Replacement;Existing "
          "Customer - "
          "Downgrade;New Customer|Opportunity Type",
          "NextStep|string|255|CU",
          "LeadSource|picklist|255|CU|Web;Phone Inquiry;Partner Referral;Purchased List;Other",
          "IsClosed|boolean||s",
          "IsWon|boolean||s",
          "ForecastCategory|picklist|40|s|Omitted;Pipeline;BestCase;MostLikely;Forecast;Closed",
          "ForecastCategoryName|picklist|255|CU|Omitted;Pipeline;Best Case;Commit;Closed",
          "CampaignId|reference||CU|Campaign>Campaign",
          "HasOpportunityLineItem|boolean||s",
          "Pricebook2Id|reference||CU|Pricebook2>Pricebook2>Opportunities",
          "ContactId|reference||C|Contact",
          "LastActivityDate|date||",
          "Fiscal|string|6|",
          "FiscalQuarter|int|d8|",
          "FiscalYear|int|d8|"}},
        {"Product2",
         "01t",
         "Product",
         "Products",
         false,
         false,
         true,
         "cudnst",
         {"Name|string|255|rCUN||Product Name",
          "ProductCode|string|255|CU",
          "Description|textarea|4000|CU",
          "IsActive|boolean||CU",
          "Family|picklist|255|CU|None",
          "QuantityUnitOfMeasure|picklist|255|CU|Each",
          "StockKeepingUnit|string|180|CU",
          "ExternalId|string|255|CU",
          "DisplayUrl|url|1000|CU",
          "IsArchived|boolean||s"}},
        {"Pricebook2",
         "01s",
         "Price Book",
         "Price Books",
         false,
         false,
         true,
         "cudnst",
         {"Name|string|255|rCUN||Price Book Name",
          "IsActive|boolean||CU",
          "IsStandard|boolean||s",
          "Description|string|255|CU",
          "IsArchived|boolean||s"}},
        {"PricebookEntry",
         "01u",
         "Price Book Entry",
         "Price Book Entries",
         false,
         false,
         true,
         "cud",
         {"Name|string|255|N",
          "Pricebook2Id|reference||rC|Pricebook2>Pricebook2>PricebookEntries>cascade",
          "Product2Id|reference||rC|Product2>Product2>PricebookEntries>cascade",
          "UnitPrice|currency|18,2|rCU||List Price",
          "IsActive|boolean||CU",
          "UseStandardPrice|boolean||CU",
          "ProductCode|string|255|",
          "IsArchived|boolean||s"}},
        {"OpportunityLineItem",
         "00k",
         "Opportunity Product",
         "Opportunity Product",
         false,
         false,
         true,
         "cudt",
         {"OpportunityId|reference||rC|Opportunity>Opportunity>OpportunityLineItems>cascade",
          "SortOrder|int|d9|",
          "PricebookEntryId|reference||C|PricebookEntry>PricebookEntry>OpportunityLineItems",
          "Product2Id|reference|||Product2>Product2",
          "ProductCode|string|255|",
          "Name|string|376|N||Opportunity Product Name",
          "Quantity|double|12,2|rCU",
          "TotalPrice|currency|18,2|CU||Total Price",
          "UnitPrice|currency|18,2|CU||Sales Price",
          "ListPrice|currency|18,2|",
          "ServiceDate|date||CU||Date",
          "Description|string|255|CU||Line Description"}},
        {"Contract",
         "800",
         "Contract",
         "Contracts",
         true,
         false,
         true,
         "cudnst",
         {"AccountId|reference||rCU|Account>Account>Contracts>cascade",
          "Pricebook2Id|reference||CU|Pricebook2>Pricebook2",
          "OwnerExpirationNotice|picklist|40|CU|15;30;45;60;90;120",
          "StartDate|date||CU||Contract Start Date",
          "EndDate|date||",
          "@Billing",
          "ContractTerm|int|d4|CU",
          "Status|picklist|40|rCUR|In Approval Process;Activated;*Draft",
          "StatusCode|picklist|40|s|Draft;InApproval;Activated;Terminated;Expired",
          "CustomerSignedId|reference||CU|Contact>CustomerSigned",
          "CustomerSignedTitle|string|40|CU",
          "CustomerSignedDate|date||CU",
          "SpecialTerms|textarea|4000|CU",
          "ActivatedDate|datetime||U",
          "Description|textarea|32000|CU",
          "ContractNumber|string|30|sL",
          "LastActivityDate|date||"}},
        {"Order",
         "801",
         "Order",
         "Orders",
         true,
         true,
         true,
         "cudnst",
         {"ContractId|reference||CU|Contract>Contract>Orders",
          "AccountId|reference||CU|Account>Account>Orders>cascade",
          "Pricebook2Id|reference||CU|Pricebook2>Pricebook2>Orders",
          "OriginalOrderId|reference||C|Order>OriginalOrder>ReductionOrders",
          "EffectiveDate|date||rCU||Order Start Date",
          "EndDate|date||CU",
          "IsReductionOrder|boolean||C",
          "Status|picklist|40|rCUR|*Draft;Activated",
          "Description|textarea|32000|CU",
          "CustomerAuthorizedById|reference||CU|Contact>CustomerAuthorizedBy",
          "CustomerAuthorizedDate|date||CU",
          "Type|picklist|255|CU|",
          "PoNumber|string|80|CU",
          "PoDate|date||CU",
          "OrderReferenceNumber|string|80|CU",
          "BillToContactId|reference||CU|Contact>BillToContact",
          "ShipToContactId|reference||CU|Contact>ShipToContact",
          "@Billing",
          "@Shipping",
          "Name|string|80|CU",
          "OrderNumber|string|30|sL",
          "TotalAmount|currency|18,2|s",
          "StatusCode|picklist|40|s|Draft;Activated;Canceled;Expired",
          "ActivatedDate|datetime||U"}},
        {"OrderItem",
         "802",
         "Order Product",
         "Order Products",
         false,
         false,
         true,
         "cudt",
         {"Product2Id|reference|||Product2>Product2",
          "OrderId|reference||rC|Order>Order>OrderItems>cascade",
          "PricebookEntryId|reference||rC|PricebookEntry>PricebookEntry>OrderItems",
          "OriginalOrderItemId|reference||C|OrderItem>OriginalOrderItem",
          "AvailableQuantity|double|18,2|",
          "Quantity|double|18,2|rCU",
          "UnitPrice|currency|18,2|CU",
          "ListPrice|currency|18,2|",
          "TotalPrice|currency|18,2|",
          "ServiceDate|date||CU||Start Date",
          "EndDate|date||CU",
          "Description|string|255|CU||Line Description",
          "OrderItemNumber|string|30|sL"}},
        {"ContentDocument",
         "069",
         "Content Document",
         "Content Documents",
         true,
         false,
         true,
         "udnst",
         {"IsArchived|boolean||s",
          "Title|string|255|rUN",
          "PublishStatus|picklist|40|s|U;P;R",
          "LatestPublishedVersionId|reference|||ContentVersion>LatestPublishedVersion",
          "Description|textarea|1000|U",
          "ContentSize|int|d9|",
          "FileType|string|20|",
          "FileExtension|string|40|"}},
        {"ContentVersion",
         "068",
         "Content Version",
         "Content Versions",
         true,
         false,
         true,
         "cust",
         {"ContentDocumentId|reference||C|ContentDocument>ContentDocument>ContentVersions>cascade",
          "IsLatest|boolean||s",
          "ContentUrl|url|1333|CU",
          "VersionNumber|string|20|",
          "Title|string|255|rCUN",
          "Description|textarea|1000|CU",
          "ReasonForChange|string|1000|CU",
          "PathOnClient|string|500|C",
          "SharingOption|picklist|40|dCU|*A;R",
          "SharingPrivacy|picklist|40|dCU|*N;P",
          "TagCsv|textarea|2000|CU",
          "FileType|string|20|s",
          "PublishStatus|picklist|40|s|U;P;R",
          "VersionData|base64||C",
          "ContentSize|int|d9|",
          "FileExtension|string|40|",
          "FirstPublishLocationId|reference||C|Account,Contact,Opportunity,Order,Contract,Task,User>"
          "FirstPublishLocation",
          "Origin|picklist|40|dC|*C;H",
          "ContentLocation|picklist|40|dC|*S;E;L",
          "IsMajorVersion|boolean||C",
          "Checksum|string|50|"}},
        {"ContentDocumentLink",
         "06A",
         "Content Document Link",
         "Content Document Link",
         false,
         false,
         false,
         "cudt",
         {"LinkedEntityId|reference||rC|Account,Contact,Opportunity,Order,Contract,Task,User,"
          "Invoice__c>LinkedEntity>ContentDocumentLinks>cascade",
          "ContentDocumentId|reference||rC|ContentDocument>ContentDocument>ContentDocumentLinks>cascade",
          "ShareType|picklist|40|dCU|*V;C;I",
          "Visibility|picklist|40|dCU|*AllUsers;InternalUsers;SharedUsers"}},
        {"Task",
         "00T",
         "Task",
         "Tasks",
         true,
         true,
         true,
         "cudnst",
         {"WhoId|reference||CU|Contact>Who>Tasks",
          "WhatId|reference||CU|Account,Opportunity,Contract,Order>What>Tasks>cascade",
          "Subject|combobox|255|CUN|Call;Send Letter;Send Quote;Other",
          "ActivityDate|date||CU||Due Date Only",
          "Status|picklist|40|dCU|*Not Started;In Progress;Completed;Waiting on someone else;Deferred",
          "Priority|picklist|40|dCU|High;*Normal;Low",
          "IsHighPriority|boolean||s",
          "Description|textarea|32000|CU",
          "AccountId|reference|||Account",
          "IsClosed|boolean||s",
          "TaskSubtype|picklist|40|dC|*Task;Email;ListEmail;Cadence;Call"}},
    };
    return specs;
}

}  // namespace

schema schema::standard() {
    schema s;
    for (const auto& spec : standard_specs()) {
        object_def o;
        o.name = spec.name;
        o.key_prefix = spec.prefix;
        o.label = spec.label;
        o.label_plural = spec.plural;
        const std::string flags = spec.flags;
        o.createable = flags.find('c') != std::string::npos;
        o.updateable = flags.find('u') != std::string::npos;
        o.deletable = flags.find('d') != std::string::npos;
        o.undeletable = flags.find('n') != std::string::npos;
        o.mergeable = flags.find('m') != std::string::npos;
        o.searchable = flags.find('s') != std::string::npos;
        o.triggerable = flags.find('t') != std::string::npos;
        o.replicateable = o.name.rfind("Content", 0) != 0;
        o.fields.push_back(parse_spec("Id|id||sL||" + std::string(spec.label) + " ID"));
        if (o.name != "ContentDocumentLink") {
            o.fields.push_back(parse_spec("IsDeleted|boolean||s||Deleted"));
        } else {
            o.fields.push_back(parse_spec("IsDeleted|boolean||s||Is Deleted"));
        }
        if (spec.owner) {
            o.fields.push_back(parse_spec(
                std::string("OwnerId|reference||dCU|") + (spec.owner_queues ? "Group,User" : "User") +
                ">Owner||Owner ID"
            ));
        }
        for (const char* line : spec.fields) {
            if (line[0] == '@') {
                add_address(o, line + 1);
            } else {
                o.fields.push_back(parse_spec(line));
            }
        }
        if (spec.audit) {
            o.fields.push_back(parse_spec("CreatedDate|datetime||s||Created Date"));
            o.fields.push_back(parse_spec("CreatedById|reference||s|User>CreatedBy||Created By ID"));
            o.fields.push_back(parse_spec("LastModifiedDate|datetime||s||Last Modified Date"));
            o.fields.push_back(
                parse_spec("LastModifiedById|reference||s|User>LastModifiedBy||Last Modified By ID")
            );
        }
        o.fields.push_back(parse_spec("SystemModstamp|datetime||s||System Modstamp"));
        s.add_object(std::move(o));
    }
    // User is only a lookup target here (owners, audit fields), with the one integration user.
    object_def user;
    user.name = "User";
    user.key_prefix = "005";
    user.label = "User";
    user.label_plural = "Users";
    user.createable = user.deletable = user.undeletable = false;
    user.fields.push_back(parse_spec("Id|id||sL||User ID"));
    user.fields.push_back(parse_spec("Username|string|80|rCUL"));
    user.fields.push_back(parse_spec("Name|string|121|sN||Full Name"));
    user.fields.push_back(parse_spec("SystemModstamp|datetime||s||System Modstamp"));
    s.add_object(std::move(user));
    return s;
}

void schema::add_object(object_def object) {
    auto name = object.name;
    objects_[name] = std::move(object);
}

void schema::add_field(const std::string& object, field_def field) {
    auto it = objects_.find(object);
    if (it == objects_.end()) {
        throw std::runtime_error("field " + field.name + " names unknown object " + object);
    }
    auto& fields = it->second.fields;
    auto pos = std::find_if(fields.begin(), fields.end(), [&](const field_def& f) {
        return f.name == "CreatedDate";
    });
    if (pos == fields.end()) {
        pos = std::find_if(fields.begin(), fields.end(), [&](const field_def& f) {
            return f.name == "SystemModstamp";
        });
    }
    fields.insert(pos, std::move(field));
}

const object_def* schema::find(std::string_view name) const {
    for (const auto& [key, o] : objects_) {
        if (iequals(key, name)) {
            return &o;
        }
    }
    return nullptr;
}

const object_def* schema::find_by_prefix(std::string_view prefix) const {
    for (const auto& [key, o] : objects_) {
        if (o.key_prefix == prefix) {
            return &o;
        }
    }
    return nullptr;
}

std::vector<child_relationship> schema::children_of(const std::string& object) const {
    std::vector<child_relationship> out;
    for (const auto& [key, o] : objects_) {
        for (const auto& f : o.fields) {
            if (f.type == "reference" &&
                std::find(f.reference_to.begin(), f.reference_to.end(), object) != f.reference_to.end()) {
                out.push_back({o.name, f.name, f.child_relationship_name, f.cascade_delete});
            }
        }
    }
    return out;
}

namespace {

std::string text_of(const pugi::xml_node& node, const char* child) {
    return node.child(child).text().as_string();
}

field_def field_from_xml(const pugi::xml_node& f, const std::string& object_name) {
    field_def d;
    d.custom = true;
    d.name = text_of(f, "fullName");
    d.label = text_of(f, "label");
    const std::string type = text_of(f, "type");
    d.external_id = f.child("externalId").text().as_bool();
    d.unique = f.child("unique").text().as_bool();
    d.case_sensitive = f.child("caseSensitive").text().as_bool();
    d.id_lookup = d.external_id;
    const bool required = f.child("required").text().as_bool();
    if (type == "Text" || type == "Email" || type == "Phone" || type == "Url" || type == "TextArea" ||
        type == "LongTextArea") {
        static const std::map<std::string, std::string> types = {
            {"Text", "string"},
            {"Email", "email"},
            {"Phone", "phone"},
            {"Url", "url"},
            {"TextArea", "textarea"},
            {"LongTextArea", "textarea"}};
        d.type = types.at(type);
        d.length = f.child("length").text().as_int(type == "TextArea" ? 255 : type == "Email" ? 80 : 255);
    } else if (type == "Number" || type == "Currency" || type == "Percent") {
        d.type = type == "Number" ? "double" : type == "Currency" ? "currency" : "percent";
        d.precision = f.child("precision").text().as_int(18);
        d.scale = f.child("scale").text().as_int(0);
    } else if (type == "Checkbox") {
        d.type = "boolean";
        d.nillable = false;
        d.defaulted_on_create = true;
        d.default_value = f.child("defaultValue").text().as_string("false");
    } else if (type == "Date") {
        d.type = "date";
    } else if (type == "DateTime") {
        d.type = "datetime";
    } else if (type == "Picklist" || type == "MultiselectPicklist") {
        d.type = type == "Picklist" ? "picklist" : "multipicklist";
        d.length = type == "Picklist" ? 255 : 4099;
        auto vs = f.child("valueSet");
        d.restricted_picklist = vs.child("restricted").text().as_bool();
        for (auto v : vs.child("valueSetDefinition").children("value")) {
            d.picklist.emplace_back(text_of(v, "fullName"));
            if (v.child("default").text().as_bool()) {
                d.picklist_default = d.picklist.back();
                d.defaulted_on_create = true;
            }
        }
    } else if (type == "Lookup" || type == "MasterDetail") {
        d.type = "reference";
        d.length = 18;
        d.reference_to = {text_of(f, "referenceTo")};
        // Metadata names the child relationship without the suffix; the API (describe, SOQL subqueries)
        // spells custom relationships with __r, as for the child-to-parent name below.
        d.child_relationship_name = text_of(f, "relationshipName");
        if (!d.child_relationship_name.empty()) {
            d.child_relationship_name += "__r";
        }
        // The child-to-parent name is the field name with __c replaced by __r.
        d.relationship_name = d.name.substr(0, d.name.size() - 3) + "__r";
        d.cascade_delete = type == "MasterDetail" || text_of(f, "deleteConstraint") == "Cascade";
        if (type == "MasterDetail") {
            d.nillable = false;
        }
    } else {
        throw std::runtime_error("field " + object_name + "." + d.name + " has unsupported type " + type);
    }
    if (required) {
        d.nillable = false;
    }
    return d;
}

}  // namespace

void schema::load_dx_metadata(const std::filesystem::path& source_dir) {
    const auto objects_dir = source_dir / "objects";
    if (!std::filesystem::is_directory(objects_dir)) {
        throw std::runtime_error("metadata folder " + objects_dir.string() + " does not exist");
    }
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::directory_iterator(objects_dir)) {
        if (entry.is_directory()) {
            dirs.push_back(entry.path());
        }
    }
    std::sort(dirs.begin(), dirs.end());
    // Objects first (so that lookups between custom objects resolve), then fields.
    for (const auto& dir : dirs) {
        const std::string name = dir.filename().string();
        const auto file = dir / (name + ".object-meta.xml");
        if (!std::filesystem::exists(file)) {
            continue;
        }
        pugi::xml_document doc;
        if (!doc.load_file(file.c_str())) {
            throw std::runtime_error("cannot parse " + file.string());
        }
        auto root = doc.child("CustomObject");
        if (find(name) != nullptr) {
            continue;  // a standard object extended with custom fields
        }
        object_def o;
        o.name = name;
        o.custom = true;
        o.label = text_of(root, "label");
        o.label_plural = text_of(root, "pluralLabel");
        o.undeletable = true;
        o.mergeable = false;
        // Custom objects get prefixes a00, a01, ... in the order of their names.
        std::size_t custom_count = 0;
        for (const auto& [key, existing] : objects_) {
            custom_count += existing.custom ? 1 : 0;
        }
        const char* alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        o.key_prefix = std::string("a") + alphabet[custom_count / 62] + alphabet[custom_count % 62];
        o.fields.push_back(parse_spec("Id|id||sL||Record ID"));
        o.fields.push_back(parse_spec("OwnerId|reference||dCU|Group,User>Owner||Owner ID"));
        o.fields.push_back(parse_spec("IsDeleted|boolean||s||Deleted"));
        auto name_field = root.child("nameField");
        field_def nf;
        if (std::string(text_of(name_field, "type")) == "AutoNumber") {
            nf = parse_spec("Name|string|80|sN");
            nf.display_format = text_of(name_field, "displayFormat");
            if (nf.display_format.empty()) {
                nf.display_format = "{0}";
            }
            if (const std::string start(text_of(name_field, "startingNumber")); !start.empty()) {
                const auto [end, ec] =
                    std::from_chars(start.data(), start.data() + start.size(), nf.starting_number);
                if (ec != std::errc{} || end != start.data() + start.size()) {
                    throw std::runtime_error(
                        file.string() + ": nameField startingNumber \"" + start + "\" is not a whole number"
                    );
                }
            }
        } else {
            nf = parse_spec("Name|string|80|dCUN");
            nf.nillable = true;
        }
        nf.label = text_of(name_field, "label");
        o.fields.push_back(nf);
        o.fields.push_back(parse_spec("CreatedDate|datetime||s||Created Date"));
        o.fields.push_back(parse_spec("CreatedById|reference||s|User>CreatedBy||Created By ID"));
        o.fields.push_back(parse_spec("LastModifiedDate|datetime||s||Last Modified Date"));
        o.fields.push_back(parse_spec("LastModifiedById|reference||s|User>LastModifiedBy||Last Modified By ID"
        ));
        o.fields.push_back(parse_spec("SystemModstamp|datetime||s||System Modstamp"));
        add_object(std::move(o));
    }
    for (const auto& dir : dirs) {
        const std::string name = dir.filename().string();
        if (!std::filesystem::is_directory(dir / "fields")) {
            continue;
        }
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir / "fields")) {
            files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            pugi::xml_document doc;
            if (!doc.load_file(file.c_str())) {
                throw std::runtime_error("cannot parse " + file.string());
            }
            add_field(name, field_from_xml(doc.child("CustomField"), name));
        }
    }
}

}  // namespace fakturad::sf_emulator
