import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/icon/index.css'
import 'vant/es/nav-bar/index.css'

export { NavBar as VanNavBar } from 'vant'
