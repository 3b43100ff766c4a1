// Vant components the sync views use that src/ui/vant does not provide yet, with their CSS
// (the imports of vant/es/<name>/style/index.mjs; see src/ui/vant/README.md).
import 'vant/es/style/base.css'
import 'vant/es/progress/index.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/tag/index.css'
import 'vant/es/loading/index.css'
import 'vant/es/button/index.css'
import 'vant/es/action-bar/index.css'
import 'vant/es/action-bar-button/index.css'
import 'vant/es/overlay/index.css'
import 'vant/es/popup/index.css'
import 'vant/es/dialog/index.css'

export { Progress as VanProgress, Tag as VanTag, Dialog as VanDialog } from 'vant'
