import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/sticky/index.css'
import 'vant/es/swipe/index.css'
import 'vant/es/swipe-item/index.css'
import 'vant/es/tabs/index.css'
import 'vant/es/tab/index.css'

export { Tab as VanTab, Tabs as VanTabs } from 'vant'
