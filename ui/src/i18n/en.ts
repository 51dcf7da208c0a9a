// The English message catalog: every string the UI shows a person lives here.
// `{name}` placeholders are filled by t(key, { name: ... }).
export const en = {
  'app.name': 'Prompt Flow Runtime Manager',
  'app.tagline':
    'Set up and update your Azure Machine Learning prompt flow runtimes from your desktop, without the studio web UI.',

  'nav.label': 'Main navigation',
  'nav.welcome': 'Welcome',
  'nav.runtimes': 'Runtimes',
  'nav.permissions': 'Permissions',
  'nav.activity': 'Activity',
  'nav.settings': 'Settings',

  'welcome.heading': 'Welcome to Prompt Flow Runtime Manager',
  'welcome.what':
    'A prompt flow runtime runs your flows on a compute instance in your Azure Machine Learning workspace. This app creates runtimes, keeps them up to date, and checks the permissions they need.',
  'welcome.available': 'What you can do now',
  'welcome.checkName': 'Check a runtime name',
  'welcome.checkName.description': 'Find out whether Azure will accept a name before you create a runtime with it.',
  'welcome.settings': 'Open settings',
  'welcome.settings.description': 'See the app version, find the log files, and choose light or dark appearance.',

  'runtimes.heading': 'Runtimes',
  'runtimes.empty': 'No workspace is connected yet, so there are no runtimes to list.',
  'runtimes.nameCheck.heading': 'Check a runtime name',
  'runtimes.nameCheck.label': 'Runtime name',
  'runtimes.nameCheck.hint': '3 to 24 letters, digits or hyphens, starting with a letter.',
  'runtimes.nameCheck.submit': 'Check name',
  'runtimes.nameCheck.ok': '"{name}" can be used as a runtime name.',

  'permissions.heading': 'Permissions',
  'permissions.empty': 'No workspace is connected yet, so there are no permissions to check.',

  'activity.heading': 'Activity',
  'activity.empty': 'Nothing has run yet. Operations you start will show here with their progress.',

  'settings.heading': 'Settings',
  'settings.about': 'About',
  'settings.version': 'Version',
  'settings.configFile': 'Settings file',
  'settings.logFolder': 'Log folder',
  'settings.logFolder.none': 'Not logging to a file in this session',
  'settings.openLogs': 'Open logs folder',
  'settings.appearance': 'Appearance',
  'settings.theme.system': 'Same as the system',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.loading': 'Loading app information…',

  'startup.configUnreadable': 'Your settings file could not be used',
  'startup.logDirUnwritable': 'Logging to a file is off',

  'error.code': 'Error code: {code}',
  'error.unexpected': 'The app got an answer it did not expect from its backend.',
  'error.unexpected.remedy': 'Try again. If it keeps happening, report it with the log file (Settings → Open logs folder).',
} as const;

export type MessageKey = keyof typeof en;
