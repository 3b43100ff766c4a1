import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/tabbar/index.css'
import 'vant/es/tabbar-item/index.css'

export { Tabbar as VanTabbar, TabbarItem as VanTabbarItem } from 'vant'
