/**
 * Shapes of Telegram Desktop's "Export chat history" JSON (machine-readable), as written by
 * Telegram Desktop's exporter (export_output_json.cpp). Everything optional is optional in
 * real exports too; unknown fields are kept in the index signature and ignored.
 */

/** A run of text with a type, inside `text` arrays and `text_entities`. */
export interface TextEntity {
  readonly type: string;
  readonly text: string;
  readonly href?: string;
  readonly user_id?: number;
  readonly language?: string;
  readonly document_id?: string;
  readonly collapsed?: boolean;
}

export type TextValue = string | readonly (string | TextEntity)[];

export interface ReactionRecent {
  readonly from?: string;
  readonly from_id?: string;
  readonly date?: string;
}

export interface Reaction {
  readonly type: 'emoji' | 'custom_emoji' | 'paid' | string;
  readonly count: number;
  readonly emoji?: string;
  readonly document_id?: string;
  readonly recent?: readonly ReactionRecent[];
}

export interface InlineButton {
  readonly type: string;
  readonly text?: string;
  readonly data?: string;
  readonly dataBase64?: string;
  readonly forward_text?: string;
  readonly button_id?: number;
}

export interface PollAnswer {
  /** Plain string, or text parts since polls gained formatting (the exporter writes it like `text`). */
  readonly text: TextValue;
  readonly voters: number;
  readonly chosen: boolean;
}

export interface ExportMessage {
  readonly id: number;
  readonly type: 'message' | 'service' | 'unsupported' | string;
  /**
   * Local time of the exporting computer, without zone, e.g. 2024-01-05T14:03:22. Missing in some
   * messages (then `date_unixtime` dates it, in UTC); see dates.ts for every era's forms.
   */
  readonly date: string;
  /** Since 2021 ("1704463402"); older exports lack it. */
  readonly date_unixtime: string;
  /**
   * Not written by Telegram Desktop: the importer's validation moves a `date` that is not a local
   * date-time here, so the block shows it as written while properties and months ignore it.
   */
  readonly invalid_date?: string;
  /** ~2018-2020 exports write it on every message: the epoch in local time means "never edited". */
  readonly edited?: string;
  readonly edited_unixtime?: string;
  readonly from?: string | null;
  /** "user123" / "channel456" since 2021; before that the bare number (123). */
  readonly from_id?: string | number;
  readonly author?: string;
  readonly forwarded_from?: string | null;
  readonly saved_from?: string;
  readonly reply_to_message_id?: number;
  readonly reply_to_peer_id?: string;
  readonly via_bot?: string;
  // service messages
  readonly actor?: string | null;
  readonly actor_id?: string | number;
  readonly action?: string;
  readonly title?: string;
  readonly new_title?: string;
  readonly members?: readonly (string | null)[];
  readonly message_id?: number;
  readonly duration_seconds?: number;
  readonly discard_reason?: string;
  // text
  readonly text: TextValue;
  readonly text_entities?: readonly TextEntity[];
  // media
  readonly photo?: string;
  readonly photo_file_size?: number;
  readonly width?: number;
  readonly height?: number;
  readonly file?: string;
  readonly file_name?: string;
  readonly file_size?: number;
  readonly thumbnail?: string;
  readonly thumbnail_file_size?: number;
  readonly media_type?: string;
  readonly mime_type?: string;
  readonly sticker_emoji?: string;
  readonly performer?: string;
  readonly self_destruct_period_seconds?: number;
  readonly contact_information?: { readonly first_name?: string; readonly last_name?: string; readonly phone_number?: string };
  readonly contact_vcard?: string;
  /** null when the point was invalid. */
  readonly location_information?: { readonly latitude: number; readonly longitude: number } | null;
  readonly live_location_period_seconds?: number;
  readonly place_name?: string;
  readonly address?: string;
  readonly poll?: {
    readonly question: TextValue;
    readonly closed: boolean;
    readonly total_voters: number;
    readonly answers: readonly PollAnswer[];
  };
  readonly reactions?: readonly Reaction[];
  readonly media_spoiler?: boolean;
  readonly contact_vcard_file_size?: number;
  readonly game_title?: string;
  readonly game_description?: string;
  readonly game_link?: string;
  readonly invoice_information?: {
    readonly title?: string;
    readonly description?: string;
    readonly amount?: number;
    readonly currency?: string;
    readonly receipt_message_id?: number;
  };
  readonly todo_list?: {
    readonly title: TextValue;
    readonly others_can_append?: boolean;
    readonly others_can_complete?: boolean;
    /** The exporter calls the items "answers". */
    readonly answers: readonly { readonly text: TextValue; readonly id: number }[];
  };
  readonly giveaway_information?: { readonly quantity?: number; readonly months?: number; readonly until_date?: string; readonly stars?: number; readonly additional_prize?: string };
  readonly giveaway_results?: { readonly winners_count?: number; readonly unclaimed_count?: number; readonly months?: number; readonly stars?: number; readonly additional_prize?: string };
  readonly paid_stars_amount?: number;
  readonly inline_bot_buttons?: readonly (readonly InlineButton[])[];
  // more service fields (export_output_json.cpp writes one set per action)
  /** Custom service text, written without an `action`. */
  readonly information_text?: string;
  readonly inviter?: string | null;
  readonly period?: number;
  readonly emoticon?: string;
  readonly new_icon_emoji_id?: number;
  readonly game_message_id?: number;
  readonly score?: number;
  readonly amount?: number;
  readonly currency?: string;
  readonly invoice_message_id?: number;
  readonly boosts?: number;
  readonly duration?: number;
  readonly distance?: number;
  readonly to?: string | null;
  readonly stars?: number;
  readonly cost?: string;
  readonly months?: number;
  readonly reason_domain?: string;
  readonly reason_app_name?: string;
  readonly [extra: string]: unknown;
}

/** The header of one chat: everything in a chat object except `messages`. */
export interface ExportChatHeader {
  readonly id: number;
  readonly name?: string | null;
  readonly type: string;
}
