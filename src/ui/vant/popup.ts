import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/overlay/index.css'
import 'vant/es/popup/index.css'

export { Popup as VanPopup } from 'vant'
