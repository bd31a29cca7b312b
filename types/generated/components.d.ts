import type { Schema, Struct } from '@strapi/strapi';

export interface AdaptationHiddenEntry extends Struct.ComponentSchema {
  collectionName: 'components_adaptation_hidden_entries';
  info: {
    description: 'A related entry the clinic leaves off its pages, e.g. a condition it does not treat.';
    displayName: 'Hidden entry';
    icon: 'eyeStriked';
  };
  attributes: {
    relation: Schema.Attribute.Enumeration<
      ['treats', 'causes', 'providerTypes', 'benefits', 'techniques']
    > &
      Schema.Attribute.Required;
    slug: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
  };
}

export interface ClinicAddress extends Struct.ComponentSchema {
  collectionName: 'components_clinic_addresss';
  info: {
    description: "A clinic's street address.";
    displayName: 'Postal address';
    icon: 'pinMap';
  };
  attributes: {
    city: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 100;
      }>;
    country: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 2;
      }>;
    postalCode: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 20;
      }>;
    region: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 100;
      }>;
    street: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
  };
}

export interface ContentCallToAction extends Struct.ComponentSchema {
  collectionName: 'components_content_call_to_actions';
  info: {
    description: 'The closing prompt of a page; text may use clinic tokens such as {{clinic.name}}.';
    displayName: 'Call to action';
    icon: 'cursor';
  };
  attributes: {
    buttonLabel: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 60;
      }>;
    text: Schema.Attribute.Text &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 400;
      }>;
    url: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 2048;
      }>;
  };
}

export interface ContentFaqItem extends Struct.ComponentSchema {
  collectionName: 'components_content_faq_items';
  info: {
    description: 'A question patients ask, with its answer.';
    displayName: 'FAQ item';
    icon: 'question';
  };
  attributes: {
    answer: Schema.Attribute.Blocks & Schema.Attribute.Required;
    question: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 200;
      }>;
  };
}

export interface ContentListItem extends Struct.ComponentSchema {
  collectionName: 'components_content_list_items';
  info: {
    description: 'One line of a list: a symptom, what a therapist assesses, a sign of progress.';
    displayName: 'List item';
    icon: 'bulletList';
  };
  attributes: {
    text: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 300;
      }>;
  };
}

export interface ContentProcedureStep extends Struct.ComponentSchema {
  collectionName: 'components_content_procedure_steps';
  info: {
    description: 'One step of how a treatment is carried out.';
    displayName: 'Procedure step';
    icon: 'oneToMany';
  };
  attributes: {
    description: Schema.Attribute.Text &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 600;
      }>;
    title: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 120;
      }>;
  };
}

export interface MedicalReview extends Struct.ComponentSchema {
  collectionName: 'components_medical_reviews';
  info: {
    description: 'Who last reviewed this content medically, and when the next review is due.';
    displayName: 'Medical review';
    icon: 'shield';
  };
  attributes: {
    lastReviewed: Schema.Attribute.Date & Schema.Attribute.Required;
    nextReviewDue: Schema.Attribute.Date & Schema.Attribute.Required;
    reviewedBy: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 120;
      }>;
    reviewerCredentials: Schema.Attribute.String &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 120;
      }>;
    reviewerType: Schema.Attribute.Enumeration<['person', 'organization']> &
      Schema.Attribute.Required &
      Schema.Attribute.DefaultTo<'person'>;
  };
}

export interface SeoMeta extends Struct.ComponentSchema {
  collectionName: 'components_seo_metas';
  info: {
    description: 'Search-engine title and description of a page.';
    displayName: 'SEO';
    icon: 'search';
  };
  attributes: {
    metaDescription: Schema.Attribute.Text &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 160;
      }>;
    metaTitle: Schema.Attribute.String &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMaxLength<{
        maxLength: 70;
      }>;
    noIndex: Schema.Attribute.Boolean &
      Schema.Attribute.Required &
      Schema.Attribute.DefaultTo<false>;
  };
}

declare module '@strapi/strapi' {
  export namespace Public {
    export interface ComponentSchemas {
      'adaptation.hidden-entry': AdaptationHiddenEntry;
      'clinic.address': ClinicAddress;
      'content.call-to-action': ContentCallToAction;
      'content.faq-item': ContentFaqItem;
      'content.list-item': ContentListItem;
      'content.procedure-step': ContentProcedureStep;
      'medical.review': MedicalReview;
      'seo.meta': SeoMeta;
    }
  }
}
