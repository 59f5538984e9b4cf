/**
 * sheetsync menu for a Google Sheet: "sheetsync > Resync now" asks Cloud Scheduler to run the
 * job of this tab's mapping right away (REST `jobs:run`, with the user's own Google sign-in).
 * Scheduler then calls the sheetsync function exactly as on its schedule, so sheet users need
 * no key and no access to the function: only the role to run Scheduler jobs.
 *
 * Install: Extensions > Apps Script, paste this file as Code.gs and appsscript.json as the
 * manifest (Project Settings > Show "appsscript.json" manifest file in editor), then set the
 * Script properties (Project Settings > Script properties):
 *
 *   PROJECT_ID   the Google Cloud project of the deployment, e.g. acme-sheetsync
 *   REGION       the region of the Scheduler jobs, e.g. europe-west1
 *   JOB          the job to run from any tab, e.g. sheetsync-hot-prospects   (one mapping)
 *   JOB:<tab>    the job to run from the tab named <tab>, e.g. JOB:Campaigns = sheetsync-campaigns
 *                (several mappings in one spreadsheet; wins over JOB)
 *
 * A job may also be given as its full name, projects/P/locations/R/jobs/J.
 * Each user needs Cloud Scheduler Job Runner (roles/cloudscheduler.jobRunner) on the project.
 */

const SCHEDULER_API = 'https://cloudscheduler.googleapis.com/v1/';
const RUNNER_ROLE = 'Cloud Scheduler Job Runner (roles/cloudscheduler.jobRunner)';

function onOpen() {
  SpreadsheetApp.getUi()
    .createMenu('sheetsync')
    .addItem('Resync now', 'resyncNow')
    .addItem('Show setup', 'showSetup')
    .addToUi();
}

/** Menu item: run this tab's Scheduler job now. */
function resyncNow() {
  const ui = SpreadsheetApp.getUi();
  const tab = SpreadsheetApp.getActiveSheet().getName();
  const job = jobFor_(PropertiesService.getScriptProperties().getProperties(), tab);
  if (job.error) {
    ui.alert('sheetsync is not set up for this tab', job.error, ui.ButtonSet.OK);
    return;
  }
  // The request body of jobs:run is empty; errors come back as JSON, read below.
  const response = UrlFetchApp.fetch(SCHEDULER_API + job.name + ':run', {
    method: 'post',
    headers: { Authorization: 'Bearer ' + ScriptApp.getOAuthToken() },
    muteHttpExceptions: true,
  });
  const outcome = explain_(response.getResponseCode(), response.getContentText(), job);
  if (outcome.ok) {
    SpreadsheetApp.getActive().toast(outcome.message, 'sheetsync', 10);
  } else {
    ui.alert(outcome.title, outcome.message, ui.ButtonSet.OK);
  }
}

/** Menu item: which job this tab runs, and what a user needs. */
function showSetup() {
  const ui = SpreadsheetApp.getUi();
  const tab = SpreadsheetApp.getActiveSheet().getName();
  const job = jobFor_(PropertiesService.getScriptProperties().getProperties(), tab);
  const lines = job.error
    ? [job.error]
    : ['The tab "' + tab + '" runs the Scheduler job ' + job.name + '.'];
  lines.push('', 'Users of the menu need ' + RUNNER_ROLE + ' on the Google Cloud project.');
  ui.alert('sheetsync setup', lines.join('\n'), ui.ButtonSet.OK);
}

/**
 * The full name of the job for `tab`, from the script properties, or {error: why}.
 * @param {Object<string, string>} props
 * @param {string} tab
 * @return {{name: string, job: string, project: string}|{error: string}}
 */
function jobFor_(props, tab) {
  const job = String(props['JOB:' + tab] || props.JOB || '').trim();
  if (!job) {
    return {
      error:
        'No Scheduler job is set for the tab "' + tab + '". In Extensions > Apps Script > ' +
        'Project Settings > Script properties, add "JOB:' + tab + '" (or "JOB" for every tab) ' +
        'with the job name, e.g. sheetsync-hot-prospects.',
    };
  }
  const full = /^projects\/([a-z][-a-z0-9]{4,28}[a-z0-9])\/locations\/([a-z0-9-]+)\/jobs\/([A-Za-z0-9_-]{1,500})$/.exec(job);
  if (full) return { name: job, job: full[3], project: full[1] };
  if (!/^[A-Za-z0-9_-]{1,500}$/.test(job)) {
    return { error: 'The job name "' + job + '" may use only letters, digits, - and _.' };
  }
  const project = String(props.PROJECT_ID || '').trim();
  const region = String(props.REGION || '').trim();
  if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(project)) {
    return { error: 'Set the script property PROJECT_ID to the Google Cloud project id (got "' + project + '").' };
  }
  if (!/^[a-z]+-[a-z]+[0-9]+$/.test(region)) {
    return { error: 'Set the script property REGION to the Scheduler region, e.g. europe-west1 (got "' + region + '").' };
  }
  return { name: 'projects/' + project + '/locations/' + region + '/jobs/' + job, job: job, project: project };
}

/**
 * What to tell the user about Cloud Scheduler's answer.
 * @return {{ok: boolean, title: string, message: string}}
 */
function explain_(code, body, job) {
  const error = googleError_(body);
  const detail = error.message ? '\n\n(Cloud Scheduler: ' + error.message.slice(0, 300) + ')' : '';
  if (code >= 200 && code < 300) {
    return {
      ok: true,
      title: 'sheetsync',
      message: 'Resync started (' + job.job + '). The sheet updates when the run ends, ' +
        'usually within a few minutes.',
    };
  }
  if (code === 403 && (error.reason === 'SERVICE_DISABLED' || /has not been used|is disabled/.test(error.message))) {
    return {
      ok: false,
      title: 'Cloud Scheduler API not enabled for this script',
      message: 'This script\'s Google Cloud project cannot call Cloud Scheduler. In Apps Script > ' +
        'Project Settings > Google Cloud Platform (GCP) Project, change it to the project of ' +
        'the deployment (' + job.project + '), where the API is enabled.' + detail,
    };
  }
  if (code === 403) {
    return {
      ok: false,
      title: 'No permission to run ' + job.job,
      message: 'Ask the administrator of the Google Cloud project ' + job.project + ' to grant ' +
        'you ' + RUNNER_ROLE + '.' + detail,
    };
  }
  if (code === 404) {
    return {
      ok: false,
      title: 'Scheduler job not found',
      message: 'There is no job ' + job.name + '. Check the script properties PROJECT_ID, REGION ' +
        'and JOB (the deployment lists its jobs: gcloud scheduler jobs list --location=REGION).' + detail,
    };
  }
  if (code === 401) {
    return {
      ok: false,
      title: 'Signed out',
      message: 'Your Google sign-in for this script has expired. Reload the spreadsheet and try again.' + detail,
    };
  }
  if (code === 429) {
    return {
      ok: false,
      title: 'Too many requests',
      message: 'Cloud Scheduler is busy or a quota is used up. Wait a minute and try again.' + detail,
    };
  }
  return {
    ok: false,
    title: 'Resync not started',
    message: 'Cloud Scheduler answered HTTP ' + code + '. Try again in a minute; if it persists, ' +
      'tell the administrator of ' + job.project + '.' + detail,
  };
}

/** Google's error envelope {"error": {"message", "status", "details": [{"reason"}]}}, or {}. */
function googleError_(body) {
  let parsed;
  try {
    parsed = JSON.parse(body || '{}');
  } catch (e) {
    return { message: '', reason: '' };
  }
  const error = (parsed && parsed.error) || {};
  const details = Array.isArray(error.details) ? error.details : [];
  const info = details.filter(function (d) { return d && d.reason; })[0] || {};
  return { message: String(error.message || ''), reason: String(info.reason || '') };
}
