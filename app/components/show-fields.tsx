import { Field, SelectField } from "./form";
import { CheckboxField, TextAreaField } from "./podcast-fields";
import { APPLE_CATEGORY_TREE, CATEGORY_SEPARATOR } from "../../server/services/podcasts/categories";

export interface ShowValues {
  title: string;
  description: string;
  category: string;
  language: string;
  author: string;
  explicit: boolean;
  artworkMediaId: string | null;
  ownerEmail: string | null;
  locked: boolean;
}

export const SHOW_FIELD_LABELS = {
  title: "Title",
  description: "Description",
  category: "Category",
  language: "Language",
  author: "Author",
  artworkMediaId: "Artwork",
  ownerEmail: "Owner email",
};

export const showValuesFrom = (form: FormData): ShowValues => ({
  title: String(form.get("title") ?? ""),
  description: String(form.get("description") ?? ""),
  category: String(form.get("category") ?? ""),
  language: String(form.get("language") ?? ""),
  author: String(form.get("author") ?? ""),
  explicit: form.get("explicit") === "on",
  artworkMediaId: String(form.get("artworkMediaId") ?? "") || null,
  ownerEmail: String(form.get("ownerEmail") ?? "").trim() || null,
  locked: form.get("locked") === "on",
});

/** The show's fields, shared by the create form and the settings form. */
export function ShowFields({
  values,
  errors,
  images,
}: {
  values: ShowValues;
  errors: Partial<Record<string, string[]>>;
  images?: { id: string; filename: string; widthPx: number | null; heightPx: number | null }[];
}) {
  return (
    <>
      <Field label="Title" name="title" required maxLength={200} defaultValue={values.title} errors={errors.title} />
      <TextAreaField
        label="Description"
        name="description"
        rows={4}
        maxLength={4000}
        hint="Shown in podcast apps. Up to 4,000 characters."
        defaultValue={values.description}
        errors={errors.description}
      />
      <div className="field-row">
        <SelectField
          label="Category"
          name="category"
          defaultValue={values.category}
          errors={errors.category}
          hint="Apple Podcasts category."
        >
          {APPLE_CATEGORY_TREE.map(([parent, children]) => (
            <optgroup key={parent} label={parent}>
              <option value={parent}>{parent}</option>
              {children.map((child) => (
                <option key={child} value={`${parent}${CATEGORY_SEPARATOR}${child}`}>
                  {`${parent} › ${child}`}
                </option>
              ))}
            </optgroup>
          ))}
        </SelectField>
        <Field
          label="Language"
          name="language"
          required
          maxLength={20}
          defaultValue={values.language}
          hint="A code such as en, de or pt-BR."
          errors={errors.language}
        />
      </div>
      <Field
        label="Author"
        name="author"
        maxLength={200}
        defaultValue={values.author}
        hint="The host or studio, as podcast apps show it."
        errors={errors.author}
      />
      {images ? (
        <SelectField
          label="Artwork"
          name="artworkMediaId"
          defaultValue={values.artworkMediaId ?? ""}
          errors={errors.artworkMediaId}
          hint="A square JPEG or PNG from your media library; Apple asks for 1400–3000 pixels."
        >
          <option value="">No artwork</option>
          {images.map((image) => (
            <option key={image.id} value={image.id}>
              {image.widthPx && image.heightPx
                ? `${image.filename} (${image.widthPx} × ${image.heightPx} px)`
                : image.filename}
            </option>
          ))}
        </SelectField>
      ) : null}
      <CheckboxField
        name="explicit"
        label="Contains explicit content"
        defaultChecked={values.explicit}
        hint="Marks the feed as explicit for Apple Podcasts and Spotify."
      />
      <Field
        label="Owner email"
        name="ownerEmail"
        type="email"
        maxLength={254}
        defaultValue={values.ownerEmail ?? ""}
        hint="Published in the feed: directories write here to confirm you own the show. Empty: the workspace owner's address."
        errors={errors.ownerEmail}
      />
      <CheckboxField
        name="locked"
        label="Lock the feed against imports"
        defaultChecked={values.locked}
        hint="Other podcast hosts refuse to import a locked feed, so nobody can move your show without you. Untick it while you move hosts."
      />
    </>
  );
}
