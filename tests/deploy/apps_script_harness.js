// Runs cloudfunction/apps-script/Code.gs in Node with stand-ins for the Apps Script services,
// for test_apps_script.py. Usage: node apps_script_harness.js CODE_GS < scenario.json
// scenario: {"call": "onOpen"|"resyncNow"|"showSetup", "properties": {...}, "tab": "...",
//            "response": {"code": 200, "body": "..."}}
// Prints what the script did: {"fetches": [...], "toasts": [...], "alerts": [...], "menus": [...]}
'use strict';
const fs = require('fs');
const vm = require('vm');

const scenario = JSON.parse(fs.readFileSync(0, 'utf8'));
const seen = { fetches: [], toasts: [], alerts: [], menus: [] };

const ui = {
  ButtonSet: { OK: 'OK' },
  alert: (title, message, buttons) => seen.alerts.push({ title, message, buttons }),
  createMenu: (name) => {
    const menu = { name, items: [] };
    const builder = {
      addItem: (label, fn) => { menu.items.push([label, fn]); return builder; },
      addToUi: () => { seen.menus.push(menu); },
    };
    return builder;
  },
};
const context = {
  SpreadsheetApp: {
    getUi: () => ui,
    getActiveSheet: () => ({ getName: () => scenario.tab }),
    getActive: () => ({ toast: (message, title, seconds) => seen.toasts.push({ message, title, seconds }) }),
  },
  PropertiesService: {
    getScriptProperties: () => ({ getProperties: () => Object.assign({}, scenario.properties) }),
  },
  ScriptApp: { getOAuthToken: () => 'user-oauth-token' },
  UrlFetchApp: {
    fetch: (url, options) => {
      seen.fetches.push({ url, options });
      const r = scenario.response || { code: 200, body: '{}' };
      return { getResponseCode: () => r.code, getContentText: () => r.body };
    },
  },
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], 'utf8'), context, { filename: 'Code.gs' });
vm.runInContext(scenario.call + '()', context);
process.stdout.write(JSON.stringify(seen));
