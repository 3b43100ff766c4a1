/** Strings of the visit form (merged by src/app/i18n.ts). */
export default {
  'zh-CN': {
    visits: {
      back: '返回',
      channel: {
        door: '入户',
        label: '走访方式',
        phone: '电话',
      },
      checklist: {
        no: '否',
        numberPlaceholder: '请填写数字',
        placeholder: '请填写',
        required: '请填写此项',
        yes: '是',
      },
      correcting: '更正 {time} 的走访：保存后原记录保留，新记录注明更正。',
      draft: {
        discard: '放弃草稿',
        offer: '有一份未保存的走访草稿（{time}）。',
        resume: '继续填写',
      },
      errors: {
        failed: '保存失败：{message}',
        invalid: '还有必填项没有填写',
        outcome: '请选择走访结果',
      },
      followUp: '需要跟进',
      location: {
        label: '位置',
        locating: '正在定位…',
        none: '未取得位置，将不带位置保存',
        ok: '已定位（精度约 {m} 米）',
        retry: '重新定位',
      },
      needs: {
        add: '添加诉求',
        asIssue: '转为事件',
        asWish: '转为微心愿',
        label: '诉求',
        placeholder: '居民提出的诉求或需求',
        remove: '删除',
      },
      notes: '走访记录',
      notesPlaceholder: '见到的情况、居民说了什么',
      outcome: {
        absent: '不在家',
        label: '走访结果',
        met: '见到本人',
        refused: '拒绝入户',
      },
      photos: {
        failed: '照片未能保存：{message}',
        label: '照片',
      },
      save: '保存走访',
      title: '入户走访',
    },
  },
  en: {
    visits: {
      back: 'Back',
      channel: {
        door: 'Door-to-door',
        label: 'Channel',
        phone: 'Phone',
      },
      checklist: {
        no: 'No',
        numberPlaceholder: 'Enter a number',
        placeholder: 'Type here',
        required: 'Please answer',
        yes: 'Yes',
      },
      correcting: 'Correcting the visit of {time}: the original stays; the new record says it corrects it.',
      draft: {
        discard: 'Discard draft',
        offer: 'There is an unsaved visit draft ({time}).',
        resume: 'Continue',
      },
      errors: {
        failed: 'Not saved: {message}',
        invalid: 'Some required fields are empty',
        outcome: 'Please choose the outcome',
      },
      followUp: 'Needs follow-up',
      location: {
        label: 'Location',
        locating: 'Locating…',
        none: 'No position; the visit saves without one',
        ok: 'Located (about {m} m)',
        retry: 'Locate again',
      },
      needs: {
        add: 'Add need',
        asIssue: 'Make an issue',
        asWish: 'Make a micro-wish',
        label: 'Needs',
        placeholder: 'What the resident asked for',
        remove: 'Remove',
      },
      notes: 'Visit notes',
      notesPlaceholder: 'What you found, what the resident said',
      outcome: {
        absent: 'Not home',
        label: 'Outcome',
        met: 'Met in person',
        refused: 'Refused entry',
      },
      photos: {
        failed: 'Photo not saved: {message}',
        label: 'Photos',
      },
      save: 'Save visit',
      title: 'Household visit',
    },
  },
}
