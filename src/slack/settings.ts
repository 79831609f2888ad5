/** How the bot reaches Slack: its tokens, the Web API's address, and how requests arrive. */
export interface SlackSettings {
  botToken: string;
  /** Absent in Socket Mode, where Slack does not sign requests. */
  signingSecret?: string;
  appToken?: string;
  /** True when `SLACK_APP_TOKEN` is set: the bot connects out instead of listening on `port`. */
  socketMode: boolean;
  /** Web API base URL, always ending in `/`. */
  apiUrl: string;
  port: number;
}
