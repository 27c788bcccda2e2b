/**
 * `$metadata`: the CSDL 4.0 XML document of a caller's entity sets. One entity type per saved
 * query (key = its group-by columns), its labels as Core.Description annotations (Dutch without
 * qualifier, English with Qualifier="en" where the definitions give one), metrics nullable.
 */
import type { ODataEntitySet, ODataProperty } from './entity-sets.js';

export const NAMESPACE = 'Maatstaf';
const CORE_VOCABULARY = 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml';

/** XML attribute value escaping (labels are free text from the definitions). */
export function xmlAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function description(text: string | undefined, qualifier?: string): string {
  if (text === undefined) return '';
  return `<Annotation Term="Core.Description"${qualifier ? ` Qualifier="${qualifier}"` : ''} String="${xmlAttr(text)}"/>`;
}

function property(p: ODataProperty): string {
  // Every column may be null: metrics withheld by privacy protection or without data, and group-by
  // values too (reports without a district, the time of a stock without a date). CSDL wants key
  // properties non-nullable; saying so would be false, and Power BI and Excel read null keys.
  const annotations = description(p.labelNl) + description(p.labelEn, 'en');
  const open = `<Property Name="${p.name}" Type="${p.type}" Nullable="true"`;
  return annotations ? `${open}>${annotations}</Property>` : `${open}/>`;
}

function entityType(set: ODataEntitySet): string {
  const key = set.keys.length ? `<Key>${set.keys.map((k) => `<PropertyRef Name="${k}"/>`).join('')}</Key>` : '';
  return `<EntityType Name="${set.name}">${key}${set.properties.map(property).join('')}</EntityType>`;
}

function entitySet(set: ODataEntitySet): string {
  const annotations = description(set.label) + description(set.description, 'long');
  const open = `<EntitySet Name="${set.name}" EntityType="${NAMESPACE}.${set.name}"`;
  return annotations ? `${open}>${annotations}</EntitySet>` : `${open}/>`;
}

export function metadataXml(sets: readonly ODataEntitySet[]): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">' +
    `<edmx:Reference Uri="${CORE_VOCABULARY}"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>` +
    '<edmx:DataServices>' +
    `<Schema Namespace="${NAMESPACE}" xmlns="http://docs.oasis-open.org/odata/ns/edm">` +
    sets.map(entityType).join('') +
    `<EntityContainer Name="Container">${sets.map(entitySet).join('')}</EntityContainer>` +
    '</Schema></edmx:DataServices></edmx:Edmx>'
  );
}
